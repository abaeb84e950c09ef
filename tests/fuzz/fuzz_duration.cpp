// libFuzzer target: duration text (src/config/duration.*): parse, and format -> parse gives the same value back.
#include "common/error.h"
#include "config/duration.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::chrono::milliseconds value{};
    try {
        value = redops::config::parse_duration(text);
    } catch (const redops::Error&) {
        return 0;
    }
    if (value.count() < 0) {
        __builtin_trap(); // negative durations are refused
    }
    const std::string formatted = redops::config::format_duration(value);
    if (redops::config::parse_duration(formatted) != value) {
        __builtin_trap(); // format_duration must be parse_duration's inverse
    }
    return 0;
}
