// The accepted range of every number and duration redops reads (flags, environment, config file): one table.
#pragma once

#include "common/error.h"
#include "config/settings.h"

#include <chrono>
#include <string>
#include <string_view>

namespace redops::config {

struct CountRange {
    long long min;
    long long max;
};

struct DurationRange {
    Millis min;
    Millis max;
};

struct NumberRange {
    double min;
    double max;
};

// Ten years: past this a TTL, an expiry or a window is a typo, not a plan.
inline constexpr long long k_ten_years_s = 3650LL * 24 * 3600;
inline constexpr Millis k_ten_years{k_ten_years_s * 1000};

// Connection.
inline constexpr CountRange k_port_range{1, 65535};
inline constexpr int k_default_databases = 16; // redis.conf "databases"; the config file's "databases" raises it
inline constexpr CountRange k_databases_range{1, 1'000'000};
inline constexpr DurationRange k_timeout_range{Millis{1}, Millis{3'600'000}}; // --connect-timeout, --timeout

// Defaults of the config file and the flags that override them.
inline constexpr CountRange k_ttl_seconds_range{1, k_ten_years_s};    // dedupe --ttl, token --expires-in
inline constexpr CountRange k_buffer_seconds_range{0, k_ten_years_s}; // token --safety-buffer
inline constexpr DurationRange k_ttl_range{Millis{1}, k_ten_years};   // lock --ttl, session TTLs, windows
inline constexpr CountRange k_scan_count_range{1, 100'000};
inline constexpr CountRange k_reply_bytes_range{1024, 1LL << 40}; // --max-reply-bytes: 1 KiB to 1 TiB
inline constexpr CountRange k_limit_range{1, 1'000'000'000};      // ratelimit --limit, --burst, degraded_limit

// Command options.
inline constexpr DurationRange k_wait_range{Millis{0}, Millis{24LL * 3600 * 1000}}; // lock --wait
inline constexpr CountRange k_exit_code_range{1, 255};                              // lock run --conflict-exit-code
inline constexpr CountRange k_requests_range{1, 10'000'000};                        // ratelimit --requests
inline constexpr CountRange k_concurrency_range{1, 256};                            // ratelimit --concurrency
inline constexpr CountRange k_count_range{1, 1'000'000'000};                   // ping/monitor --count, sessions --limit
inline constexpr DurationRange k_interval_range{Millis{0}, Millis{3'600'000}}; // ping --interval
inline constexpr DurationRange k_monitor_interval_range{Millis{1}, Millis{3'600'000}}; // monitor --interval
inline constexpr NumberRange k_latency_ms_range{0, 3'600'000};                         // --warn/--crit, --*-latency
inline constexpr NumberRange k_percent_range{0, 1000};              // --*-memory: used memory can overshoot maxmemory
inline constexpr NumberRange k_rate_range{0, 1e12};                 // --crit-evictions
inline constexpr CountRange k_examples_range{0, 100};               // doctor --examples
inline constexpr CountRange k_big_key_bytes_range{0, 1LL << 40};    // doctor --big-key-bytes (0: off)
inline constexpr CountRange k_memory_samples_range{0, 1'000'000};   // doctor --sample
inline constexpr CountRange k_findings_range{0, 1'000'000'000'000}; // doctor --warn/--crit

// "1-65535", "0s-1d": a range as messages and help show it.
std::string describe(CountRange range);
std::string describe(DurationRange range);
std::string describe(NumberRange range);

// Empty when `value` is inside; otherwise why not, naming the value ("256 is out of range (1-255)").
std::string out_of_range(long long value, CountRange range);
std::string out_of_range(double value, NumberRange range);
// Parses `text` as a duration and checks it; empty when fine, otherwise why not (a bad duration or its range).
std::string bad_duration(std::string_view text, DurationRange range);

// As above, but throwing Error(kind) "<option>: <why>" (kind config for files and the environment).
long long checked_count(std::string_view option, long long value, CountRange range, ErrorKind kind);
Millis checked_duration(std::string_view option, std::string_view text, DurationRange range, ErrorKind kind);

} // namespace redops::config
