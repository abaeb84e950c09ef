// libFuzzer target: GCRA state as a peek reads it from the server (repo::gcra_peek): any stored theoretical arrival
// time against any server clock, for limits an operator can ask for.
#include "repo/ratelimit_repository.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    long long numbers[4] = {};
    std::memcpy(numbers, data, std::min(size, sizeof numbers));
    redops::repo::LimitSpec spec;
    spec.algorithm = redops::repo::Algorithm::gcra;
    spec.limit = 1 + static_cast<long long>(static_cast<unsigned long long>(numbers[2]) % 1'000'000);
    spec.window = std::chrono::milliseconds(
        1 + static_cast<long long>(static_cast<unsigned long long>(numbers[3]) % (366LL * 86'400'000)));
    spec.burst = static_cast<long long>(static_cast<unsigned long long>(numbers[2] >> 20) % 1000);
    long long interval = redops::repo::gcra_interval_us(spec);
    long long burst = redops::repo::gcra_burst(spec);
    // tat is whatever the key holds; now comes from the server's TIME, so it is a plausible clock (>= 0).
    long long now = numbers[1] & ((1LL << 60) - 1);
    auto state = redops::repo::gcra_peek(numbers[0], now, interval, burst);
    if (state.remaining < 0 || state.remaining > burst) {
        __builtin_trap();
    }
    return 0;
}
