// How a monitor sample is written: JSON line, text line, Prometheus exposition and the Nagios verdict.
#pragma once

#include "output/nagios.h"
#include "repo/health_sample.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::cli {

// {"ok": …, "time": …, "healthy": …, …}: `ok` is whether the sample is healthy.
nlohmann::ordered_json sample_json(const repo::HealthSample& s);
// The layer figures of the key census (monitor --keys), one row each: the name every format gives it (JSON field,
// text line and perfdata label), its Prometheus gauge and help, and how it is read. Adding a figure is one row.
struct LayerFigure {
    std::string_view field;  // "locks_held"
    std::string_view metric; // "redops_locks_held"
    std::string_view help;
    std::string_view unit;   // perfdata UOM: "" or "s"
    bool integer = true;     // JSON writes it as an integer
    std::function<std::optional<double>(const repo::LayerFigures&)> value; // none: nothing to report
};
const std::vector<LayerFigure>& layer_figures();

// "2026-11-23T09:30:00.123Z healthy latency_ms=0.210 role=master ..." — one line, no newline.
std::string sample_line(const repo::HealthSample& s);
// The text exposition format (monitor_metrics.cpp): redis_exporter's names and types for the server figures,
// redops_* for what only redops knows (keys per kind, the census); HELP and TYPE before each family.
std::string prometheus_text(const repo::HealthSample& s);

// --warn-*/--crit-* in the Nagios range syntax (output/nagios.h); none: no threshold.
struct CheckThresholds {
    std::optional<output::NagiosRange> warn_latency_ms;
    std::optional<output::NagiosRange> crit_latency_ms;
    std::optional<output::NagiosRange> warn_memory_pct;
    std::optional<output::NagiosRange> crit_memory_pct;
    std::optional<output::NagiosRange> warn_evictions_per_s;
    std::optional<output::NagiosRange> crit_evictions_per_s;
    std::optional<output::NagiosRange> warn_lag_s;
    std::optional<output::NagiosRange> crit_lag_s;
    std::optional<output::NagiosRange> warn_lag_bytes;
    std::optional<output::NagiosRange> crit_lag_bytes;
};

struct CheckVerdict {
    int exit_code = 3; // Nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    std::string line;  // "REDIS OK - ... | perfdata"
};

// OK/WARNING/CRITICAL from the thresholds; CRITICAL when Redis did not answer or a replica's master link is down.
// The perfdata holds every figure the verdict looked at, with the thresholds it was held to.
CheckVerdict check_verdict(const repo::HealthSample& s, const CheckThresholds& t);
// UNKNOWN (3): the check could not be made at all — bad arguments or configuration, an internal error.
CheckVerdict unknown_verdict(std::string_view reason);

} // namespace redops::cli
