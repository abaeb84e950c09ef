// The monitor's metric tables and the views of a sample they drive: JSON line, text line, Prometheus exposition
// and the Nagios verdict.
#pragma once

#include "output/metrics.h"
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
    std::string_view unit;                                                 // perfdata UOM: "" or "s"
    bool integer = true;                                                   // JSON writes it as an integer
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

// The server figures of a sample, one row each (after ccache's statistics table): the names every format gives it,
// how it is read, and what a Nagios check holds it to. Adding a figure is one row (monitor_metrics.cpp).
struct HealthMetric {
    output::MetricSpec spec{};
    int exposition = 0; // its place among the server families of the Prometheus exposition; 0: not one
    // The value (a JSON scalar, null for nothing to report); none: the figure is not part of this sample.
    std::function<std::optional<nlohmann::ordered_json>(const repo::HealthSample&)> read{};
    // Nagios perfdata, when there is a label: the value judged, its unit and bounds, the thresholds that judge it
    // (a fixed critical range is shown only), and how a breach shows the value ("5.000ms").
    std::string_view perf_label{};
    std::string_view unit{};
    std::function<std::optional<double>(const repo::HealthSample&)> perf{};
    std::optional<output::NagiosRange> CheckThresholds::*warn = nullptr;
    std::optional<output::NagiosRange> CheckThresholds::*crit = nullptr;
    std::optional<output::NagiosRange> fixed_crit{};
    std::optional<double> max{};
    int shown_decimals = 0;
    std::string_view shown_unit{};
    bool perf_when_set = false; // perfdata only with a value or a threshold
};
const std::vector<HealthMetric>& health_metrics();

// The readings of the table for one sample (a reachable one: an unanswered sample has no server figures).
std::vector<output::MetricReading> read_metrics(const repo::HealthSample& s);

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
