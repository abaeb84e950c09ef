// libFuzzer target: a SCAN-family reply (redis::read_scan_reply) and the typed Reply accessors, from RESP bytes.
#include "common/error.h"
#include "redis/scan.h"
#include "resp_input.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto reply = redops::fuzz::first_reply(data, size);
    if (!reply) {
        return 0;
    }
    std::vector<std::string> items;
    try {
        (void)redops::redis::read_scan_reply(*reply, items, "SCAN");
    } catch (const redops::Error&) {
    }
    try {
        reply->check();
        (void)reply->as_integer("fuzz");
    } catch (const redops::Error&) {
    }
    return 0;
}
