#include "output/time_format.h"

#include <fmt/format.h>

#include <array>
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

std::string human_duration_ms(long long ms)
{
    if (ms < 0) {
        return "-";
    }
    if (ms < k_ms_per_s) {
        return fmt::format("{}ms", ms);
    }
    if (ms < k_s_per_min * k_ms_per_s) {
        const long long tenths = (ms + 50) / 100; // rounded to a tenth of a second
        if (tenths >= k_s_per_min * 10) {
            return "1m";
        }
        return tenths % 10 == 0 ? fmt::format("{}s", tenths / 10) : fmt::format("{}.{}s", tenths / 10, tenths % 10);
    }
    return human_duration_s(ms / k_ms_per_s);
}

std::string human_bytes(long long bytes)
{
    if (bytes < 0) {
        return "-";
    }
    constexpr std::array<const char*, 7> k_units{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        return fmt::format("{} B", bytes);
    }
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < k_units.size()) {
        value /= 1024.0;
        ++unit;
    }
    // Rounding may reach the next unit ("1023.97 KiB" would print "1024 KiB").
    if (value >= 1023.95 && unit + 1 < k_units.size()) {
        value /= 1024.0;
        ++unit;
    }
    if (value < 9.95) {
        std::string text = fmt::format("{:.1f}", value);
        if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) {
            text.resize(text.size() - 2);
        }
        return fmt::format("{} {}", text, k_units.at(unit));
    }
    return fmt::format("{:.0f} {}", value, k_units.at(unit));
}

} // namespace redops::output
