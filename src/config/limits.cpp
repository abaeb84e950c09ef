#include "config/limits.h"

#include "config/duration.h"

#include <cmath>
#include <fmt/format.h>

namespace redops::config {

std::string describe(CountRange range)
{
    return fmt::format("{}-{}", range.min, range.max);
}

std::string describe(DurationRange range)
{
    return fmt::format("{}-{}", format_duration(range.min), format_duration(range.max));
}

std::string describe(NumberRange range)
{
    return fmt::format("{}-{}", range.min, range.max);
}

std::string out_of_range(long long value, CountRange range)
{
    if (value >= range.min && value <= range.max) {
        return {};
    }
    return fmt::format("{} is out of range ({})", value, describe(range));
}

std::string out_of_range(double value, NumberRange range)
{
    // NaN compares false both ways: it must be refused explicitly.
    if (std::isfinite(value) && value >= range.min && value <= range.max) {
        return {};
    }
    return fmt::format("{} is out of range ({})", value, describe(range));
}

std::string bad_duration(std::string_view text, DurationRange range)
{
    Millis value{};
    try {
        value = parse_duration(text);
    } catch (const Error& error) {
        return error.what();
    }
    if (value < range.min || value > range.max) {
        return fmt::format("duration \"{}\" is out of range ({})", text, describe(range));
    }
    return {};
}

long long checked_count(std::string_view option, long long value, CountRange range, ErrorKind kind)
{
    if (std::string why = out_of_range(value, range); !why.empty()) {
        throw Error(kind, fmt::format("{}: {}", option, why));
    }
    return value;
}

Millis checked_duration(std::string_view option, std::string_view text, DurationRange range, ErrorKind kind)
{
    if (std::string why = bad_duration(text, range); !why.empty()) {
        throw Error(kind, fmt::format("{}: {}", option, why));
    }
    return parse_duration(text);
}

} // namespace redops::config
