// libFuzzer target: INFO text as a monitor sample reads it (redis::parse_info, repo::apply_info), then rates and a
// cluster aggregate from two such samples.
#include "common/error.h"
#include "redis/connection.h"
#include "repo/health_sample.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    // The same text as two samples a second apart: rates of equal counters, then a two-node aggregate.
    redops::repo::HealthSample first;
    redops::repo::HealthSample second;
    try {
        auto info = redops::redis::parse_info(text);
        first.time_ms = 1'700'000'000'000;
        second.time_ms = first.time_ms + 1000;
        first.healthy = second.healthy = true;
        redops::repo::apply_info(first, info);
        redops::repo::apply_info(second, info);
    } catch (const redops::Error&) {
        return 0;
    }
    redops::repo::apply_rates(second, first);
    auto aggregate = redops::repo::aggregate_nodes({first, second}, second.time_ms);
    (void)redops::repo::memory_percent(aggregate);
    return 0;
}
