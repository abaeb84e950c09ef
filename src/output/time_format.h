// Times and durations as the contract prints them: RFC 3339 UTC for JSON and tables, "23h59m" for TTLs.
#pragma once

#include <string>

namespace redops::output {

// "2026-11-23T09:30:00.123Z"; locale-independent. "-" if the instant is outside what gmtime_r can represent.
std::string rfc3339_utc_ms(long long epoch_ms);

// Two most significant units, a zero second unit dropped: "45s", "5m30s", "23h59m", "24h" is "1d",
// "89d23h". "-" for negative values (Redis uses -1 for "no TTL" and -2 for "no key").
std::string human_duration_s(long long seconds);

// Milliseconds for people: "850ms" below a second, "29.6s" below a minute (".0" dropped: "5s"), then as
// human_duration_s ("23h59m"). "-" for negative values.
std::string human_duration_ms(long long ms);

// Bytes for people in binary units: "512 B", "1.2 KiB", "1.2 MiB", ... "8 EiB"; one decimal below 10 of a unit,
// none above ("117 MiB"). "-" for negative values.
std::string human_bytes(long long bytes);

} // namespace redops::output
