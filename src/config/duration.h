// Duration text ("250ms", "2s", "1h30m", "1.5s") <-> milliseconds, for every duration in flags and config files.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace redops::config {

// Units: ms, s, m, h, d; decimals and compounds allowed. Throws Error(config) naming the text on
// empty, negative, unit-less, unknown unit, sub-millisecond remainder or overflow.
std::chrono::milliseconds parse_duration(std::string_view text);

// Shortest compound form from days down to ms: 250ms, 2s, 1m30s, 1d, 0s.
std::string format_duration(std::chrono::milliseconds value);

} // namespace redops::config
