// libFuzzer target: cluster topology decoding (src/redis/cluster_map.*): a CLUSTER SLOTS reply, a MOVED/ASK
// redirect and CLUSTER NODES text, all from the same bytes.
#include "common/error.h"
#include "redis/cluster_map.h"
#include "resp_input.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)redops::redis::parse_cluster_nodes(text, "127.0.0.1");
    } catch (const redops::Error&) {
    }
    auto reply = redops::fuzz::first_reply(data, size);
    if (!reply) {
        return 0;
    }
    try {
        (void)redops::redis::parse_redirect(*reply, "127.0.0.1");
    } catch (const redops::Error&) {
    }
    try {
        auto map = redops::redis::SlotMap::from_cluster_slots(*reply, "127.0.0.1");
        (void)map.primaries();
        (void)map.uncovered_slots();
        for (int slot : {0, 5000, 16383}) {
            (void)map.owner(slot);
        }
    } catch (const redops::Error&) {
    }
    return 0;
}
