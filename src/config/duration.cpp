#include "config/duration.h"

#include "common/error.h"

#include <array>
#include <cstdint>
#include <fmt/format.h>

namespace redops::config {
namespace {

struct Unit {
    std::string_view name;
    std::int64_t ms;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 5> k_units{{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
// Enough precision for any unit down to a millisecond, small enough that fraction * unit cannot overflow.
constexpr std::size_t k_max_fraction_digits = 9;

[[noreturn]] void fail(std::string_view text, std::string_view why)
{
    throw Error(ErrorKind::config, fmt::format("invalid duration \"{}\": {}", text, why));
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

const Unit* unit_at(std::string_view rest, std::size_t& length)
{
    for (const auto& unit : k_units) {
        if (rest.substr(0, unit.name.size()) == unit.name) {
            // "m" must not swallow the first letter of an unknown unit such as "min".
            bool tail_is_letter = rest.size() > unit.name.size() && !is_digit(rest[unit.name.size()]) &&
                                  rest[unit.name.size()] != '.';
            if (tail_is_letter) {
                continue;
            }
            length = unit.name.size();
            return &unit;
        }
    }
    return nullptr;
}

std::int64_t checked_add(std::int64_t a, std::int64_t b, std::string_view text)
{
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) {
        fail(text, "too large");
    }
    return sum;
}

std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::string_view text)
{
    std::int64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product)) {
        fail(text, "too large");
    }
    return product;
}

} // namespace

std::chrono::milliseconds parse_duration(std::string_view text)
{
    if (text.empty()) {
        fail(text, "empty (use e.g. 250ms, 2s, 5m, 1h or 1d)");
    }
    if (text.front() == '-') {
        fail(text, "negative durations are not allowed");
    }
    std::int64_t total = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::int64_t whole = 0;
        std::size_t start = pos;
        while (pos < text.size() && is_digit(text[pos])) {
            whole = checked_add(checked_mul(whole, 10, text), text[pos] - '0', text);
            ++pos;
        }
        std::int64_t fraction = 0;
        std::int64_t fraction_scale = 1;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            std::size_t digits = 0;
            while (pos < text.size() && is_digit(text[pos])) {
                if (++digits > k_max_fraction_digits) {
                    fail(text, "too many decimal places");
                }
                fraction = fraction * 10 + (text[pos] - '0');
                fraction_scale *= 10;
                ++pos;
            }
            if (digits == 0) {
                fail(text, "expected digits after the decimal point");
            }
        }
        if (pos == start) {
            fail(text, "expected a number (use e.g. 250ms, 2s, 5m, 1h or 1d)");
        }
        if (pos == text.size()) {
            fail(text, "missing unit (use ms, s, m, h or d)");
        }
        std::size_t unit_length = 0;
        const Unit* unit = unit_at(text.substr(pos), unit_length);
        if (unit == nullptr) {
            std::size_t end = pos;
            while (end < text.size() && !is_digit(text[end]) && text[end] != '.') {
                ++end;
            }
            fail(text, fmt::format("unknown unit \"{}\" (use ms, s, m, h or d)", text.substr(pos, end - pos)));
        }
        pos += unit_length;
        std::int64_t fraction_ms = fraction * unit->ms;
        if (fraction_ms % fraction_scale != 0) {
            fail(text, "finer than a millisecond");
        }
        total = checked_add(total, checked_add(checked_mul(whole, unit->ms, text), fraction_ms / fraction_scale, text),
                            text);
    }
    return std::chrono::milliseconds{total};
}

std::string format_duration(std::chrono::milliseconds value)
{
    if (value.count() == 0) {
        return "0s";
    }
    std::string out = value.count() < 0 ? "-" : "";
    // Work on the magnitude in unsigned space: the most negative value has no positive counterpart.
    auto magnitude = static_cast<std::uint64_t>(value.count());
    if (value.count() < 0) {
        magnitude = static_cast<std::uint64_t>(0) - magnitude;
    }
    for (auto it = k_units.rbegin(); it != k_units.rend(); ++it) {
        auto unit_ms = static_cast<std::uint64_t>(it->ms);
        if (magnitude >= unit_ms) {
            out += fmt::format("{}{}", magnitude / unit_ms, it->name);
            magnitude %= unit_ms;
        }
    }
    return out;
}

} // namespace redops::config
