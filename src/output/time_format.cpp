#include "output/time_format.h"

#include <fmt/format.h>

#include <ctime>

namespace redops::output {
namespace {

constexpr long long k_ms_per_s = 1000;
constexpr long long k_s_per_min = 60;
constexpr long long k_s_per_hour = 3600;
constexpr long long k_s_per_day = 86400;

// Rounds towards negative infinity, so instants before 1970 keep a non-negative millisecond part.
long long floor_div(long long value, long long divisor)
{
    const long long quotient = value / divisor;
    return (value % divisor < 0) ? quotient - 1 : quotient;
}

std::string two_units(long long major, char major_unit, long long minor, char minor_unit)
{
    if (minor == 0) {
        return fmt::format("{}{}", major, major_unit);
    }
    return fmt::format("{}{}{}{}", major, major_unit, minor, minor_unit);
}

} // namespace

std::string rfc3339_utc_ms(long long epoch_ms)
{
    const long long seconds = floor_div(epoch_ms, k_ms_per_s);
    const long long millis = epoch_ms - seconds * k_ms_per_s;
    const auto time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (gmtime_r(&time, &tm) == nullptr) {
        return "-";
    }
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string human_duration_s(long long seconds)
{
    if (seconds < 0) {
        return "-";
    }
    if (seconds < k_s_per_min) {
        return fmt::format("{}s", seconds);
    }
    if (seconds < k_s_per_hour) {
        return two_units(seconds / k_s_per_min, 'm', seconds % k_s_per_min, 's');
    }
    if (seconds < k_s_per_day) {
        return two_units(seconds / k_s_per_hour, 'h', (seconds % k_s_per_hour) / k_s_per_min, 'm');
    }
    return two_units(seconds / k_s_per_day, 'd', (seconds % k_s_per_day) / k_s_per_hour, 'h');
}

} // namespace redops::output
