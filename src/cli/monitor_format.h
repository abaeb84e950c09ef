// How a monitor sample is written: JSON line, text line, Prometheus exposition and the Nagios verdict.
#pragma once

#include "repo/health_sample.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace redops::cli {

nlohmann::ordered_json sample_json(const repo::HealthSample& s);
// "2026-11-23T09:30:00.123Z healthy latency_ms=0.210 role=master ..." — one line, no newline.
std::string sample_line(const repo::HealthSample& s);
// The text exposition format: HELP and TYPE before each metric, every name prefixed redops_.
std::string prometheus_text(const repo::HealthSample& s);

struct CheckThresholds {
    std::optional<double> warn_latency_ms;
    std::optional<double> crit_latency_ms;
    std::optional<double> warn_memory_pct;
    std::optional<double> crit_memory_pct;
    std::optional<double> crit_evictions_per_s;
};

struct CheckVerdict {
    int exit_code = 3; // Nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    std::string line;  // "REDIS OK - ... | perfdata"
};

CheckVerdict check_verdict(const repo::HealthSample& s, const CheckThresholds& t);
// UNKNOWN (3): the check could not be made at all — bad arguments or configuration, an internal error.
CheckVerdict unknown_verdict(std::string_view reason);

} // namespace redops::cli
