// Times and durations as the contract prints them: RFC 3339 UTC for JSON and tables, "23h59m" for TTLs.
#pragma once

#include <string>

namespace redops::output {

// "2026-11-23T09:30:00.123Z"; locale-independent. "-" if the instant is outside what gmtime_r can represent.
std::string rfc3339_utc_ms(long long epoch_ms);

// Two most significant units, a zero second unit dropped: "45s", "5m30s", "23h59m", "24h" is "1d",
// "89d23h". "-" for negative values (Redis uses -1 for "no TTL" and -2 for "no key").
std::string human_duration_s(long long seconds);

} // namespace redops::output
