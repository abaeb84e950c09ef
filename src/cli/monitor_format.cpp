#include "cli/monitor_format.h"

#include "output/nagios.h"
#include "output/time_format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <vector>

namespace redops::cli {

namespace {

template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& value)
{
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json nodes_json(const repo::HealthSample& s)
{
    auto nodes = nlohmann::ordered_json::array();
    for (const auto& n : s.nodes) {
        nlohmann::ordered_json j;
        j["address"] = n.address;
        j["role"] = n.role;
        j["healthy"] = n.healthy;
        if (!n.healthy) {
            j["error"] = n.error;
        }
        if (n.reachable) {
            j["latency_ms"] = n.latency_ms;
            j["used_memory_bytes"] = n.used_memory;
            j["maxmemory_bytes"] = n.maxmemory;
            j["ops_per_s"] = n.ops_per_sec;
            j["cluster_state"] = n.cluster_state;
            if (!n.master_link_status.empty()) {
                j["master_link_status"] = n.master_link_status;
            }
        }
        nodes.push_back(std::move(j));
    }
    return nodes;
}

nlohmann::ordered_json figure_json(const LayerFigure& figure, const std::optional<double>& value)
{
    if (!value) {
        return nullptr;
    }
    return figure.integer ? nlohmann::ordered_json(static_cast<long long>(*value)) : nlohmann::ordered_json(*value);
}

void keys_json(nlohmann::ordered_json& j, const repo::KeyCensusReport& keys, long long time_ms)
{
    if (keys.counts) {
        nlohmann::ordered_json counts = nlohmann::ordered_json::object();
        nlohmann::ordered_json without_ttl = nlohmann::ordered_json::object();
        for (const auto& count : *keys.counts) {
            counts[count.kind] = count.count;
            without_ttl[count.kind] = count.without_ttl;
        }
        j["keys"] = counts;
        j["keys_without_ttl"] = without_ttl;
    } else {
        j["keys"] = nullptr;
        j["keys_without_ttl"] = nullptr;
    }
    for (const auto& figure : layer_figures()) {
        j[std::string(figure.field)] = keys.counts ? figure_json(figure, figure.value(keys.layer)) : nullptr;
    }
    j["keys_age_s"] = optional_json(repo::keys_age_s(keys, time_ms));
    j["keys_exact"] = keys.exact;
    j["keys_partial"] = keys.partial;
    j["keys_scanned"] = keys.scanned;
    if (!keys.error.empty()) {
        j["keys_error"] = keys.error;
    }
}

// " keys_token=12 ... keys_other=3 keys_age_s=1.500 keys_no_ttl_token=0 ... locks_held=2 ...", or
// " keys=pending keys_scanned=N" before the first pass. A figure with nothing to report is "-".
std::string keys_line(const repo::KeyCensusReport& keys, long long time_ms)
{
    std::string out;
    if (keys.counts) {
        for (const auto& count : *keys.counts) {
            out += fmt::format(" keys_{}={}", count.kind, count.count);
        }
        out += fmt::format(" keys_age_s={:.3f}", repo::keys_age_s(keys, time_ms).value_or(0));
        if (keys.partial) {
            out += " keys_partial=true"; // --keys-budget ran out: the counts are lower bounds
        }
        for (const auto& count : *keys.counts) {
            out += fmt::format(" keys_no_ttl_{}={}", count.kind, count.without_ttl);
        }
        for (const auto& figure : layer_figures()) {
            auto value = figure.value(keys.layer);
            out += value ? fmt::format(" {}={}", figure.field, *value) : fmt::format(" {}=-", figure.field);
        }
    } else {
        out += fmt::format(" keys=pending keys_scanned={}", keys.scanned);
    }
    if (!keys.error.empty()) {
        out += fmt::format(" keys_error=\"{}\"", keys.error);
    }
    return out;
}

} // namespace

nlohmann::ordered_json sample_json(const repo::HealthSample& s)
{
    nlohmann::ordered_json j;
    j["ok"] = s.healthy;
    j["time"] = output::rfc3339_utc_ms(s.time_ms);
    j["healthy"] = s.healthy;
    if (!s.address.empty()) {
        j["address"] = s.address;
    }
    if (!s.healthy) {
        j["error"] = s.error;
    }
    if (!s.reachable) {
        if (!s.nodes.empty()) {
            j["nodes"] = nodes_json(s);
        }
        return j;
    }
    output::add_json_fields(j, read_metrics(s));
    if (s.keys) {
        keys_json(j, *s.keys, s.time_ms);
    }
    if (!s.nodes.empty()) {
        j["nodes"] = nodes_json(s);
    }
    return j;
}

std::string sample_line(const repo::HealthSample& s)
{
    std::string time = output::rfc3339_utc_ms(s.time_ms);
    if (!s.reachable) {
        return fmt::format("{} unhealthy error=\"{}\"", time, s.error);
    }
    std::string line = fmt::format("{} {}{}", time, s.healthy ? "healthy" : "unhealthy",
                                   output::text_fields(read_metrics(s)));
    if (!s.nodes.empty()) {
        auto answering = std::count_if(s.nodes.begin(), s.nodes.end(), [](const auto& n) { return n.healthy; });
        line += fmt::format(" nodes={}/{} cluster_state={}", answering, s.nodes.size(), s.cluster_state);
    }
    if (!s.master_link_status.empty()) {
        line += fmt::format(" master_link={}", s.master_link_status);
    }
    if (s.replication_lag_s || s.replication_lag_bytes) {
        line += fmt::format(" replication_lag_s={} replication_lag_bytes={}",
                            s.replication_lag_s ? std::to_string(*s.replication_lag_s) : "-",
                            s.replication_lag_bytes ? std::to_string(*s.replication_lag_bytes) : "-");
    }
    if (!s.address.empty()) {
        line += fmt::format(" node={}", s.address); // after a sentinel failover: which server this is
    }
    if (s.keys) {
        line += keys_line(*s.keys, s.time_ms);
    }
    if (!s.healthy) {
        line += fmt::format(" error=\"{}\"", s.error);
    }
    return line;
}

namespace {

// "latency 5.000ms > 1ms", or the range itself when it is not a plain upper or lower bound.
std::string breach(std::string_view what, const std::string& value, const output::NagiosRange& range,
                   std::string_view unit)
{
    if (!range.inside && range.start && *range.start == 0 && range.end) {
        return fmt::format("{} {} > {}{}", what, value, range.text, unit);
    }
    if (!range.inside && range.start && !range.end) {
        return fmt::format("{} {} < {}{}", what, value, *range.start, unit);
    }
    return fmt::format("{} {} {} range {}", what, value, range.inside ? "inside" : "outside", range.text);
}

const output::NagiosRange* ptr(const std::optional<output::NagiosRange>& range)
{
    return range ? &*range : nullptr;
}

// Collects the perfdata and the worst state of the figures a verdict looks at.
struct Judgement {
    output::NagiosState state = output::NagiosState::ok;
    std::vector<std::string> reasons;
    std::vector<output::PerfItem> perfdata;

    // False when the metric has nothing to show in this verdict.
    bool figure(const HealthMetric& m, const repo::HealthSample& s, const CheckThresholds& t)
    {
        std::optional<double> value = m.perf(s);
        const output::NagiosRange* warn = m.warn ? ptr(t.*m.warn) : nullptr;
        const output::NagiosRange* crit = m.crit ? ptr(t.*m.crit) : nullptr;
        if (m.perf_when_set && !value && !warn && !crit) {
            return false;
        }
        const output::NagiosRange* shown_crit = crit != nullptr ? crit : m.fixed_crit ? &*m.fixed_crit : nullptr;
        perfdata.push_back({std::string(m.perf_label), value, std::string(m.unit), warn, shown_crit, 0.0, m.max});
        if (!value) {
            return true;
        }
        output::NagiosState level = output::nagios_state(*value, warn, crit);
        if (level != output::NagiosState::ok) {
            const output::NagiosRange& range = level == output::NagiosState::critical ? *crit : *warn;
            std::string shown = fmt::format("{:.{}f}{}", *value, m.shown_decimals, m.shown_unit);
            reasons.push_back(breach(m.perf_label, shown, range, m.unit));
            state = std::max(state, level);
        }
        return true;
    }
};

} // namespace

CheckVerdict check_verdict(const repo::HealthSample& s, const CheckThresholds& t)
{
    Judgement j;
    for (const auto& metric : health_metrics()) {
        if (metric.perf_label.empty() || !j.figure(metric, s, t)) {
            continue;
        }
        if (!s.reachable) {
            // The latency, the table's first figure with perfdata, is all an unanswered sample has.
            return {2, output::nagios_line("REDIS", output::NagiosState::critical, s.error, j.perfdata)};
        }
    }
    if (!s.healthy) {
        j.state = output::NagiosState::critical;
        j.reasons.insert(j.reasons.begin(), s.error);
    }
    if (s.keys && s.keys->counts) {
        for (const auto& count : *s.keys->counts) {
            j.perfdata.push_back(
                {"keys_" + count.kind, static_cast<double>(count.count), "", nullptr, nullptr, 0.0, std::nullopt});
        }
        for (const auto& count : *s.keys->counts) {
            j.perfdata.push_back({"keys_no_ttl_" + count.kind, static_cast<double>(count.without_ttl), "", nullptr,
                                  nullptr, 0.0, std::nullopt});
        }
        for (const auto& figure : layer_figures()) {
            if (auto value = figure.value(s.keys->layer)) {
                j.perfdata.push_back(
                    {std::string(figure.field), *value, std::string(figure.unit), nullptr, nullptr, 0.0, std::nullopt});
            }
        }
    }
    std::string summary = j.reasons.empty() ? fmt::format("{} {} up {}s", s.role, s.version, s.uptime_s)
                                            : fmt::format("{}", fmt::join(j.reasons, ", "));
    return {static_cast<int>(j.state), output::nagios_line("REDIS", j.state, summary, j.perfdata)};
}

CheckVerdict unknown_verdict(std::string_view reason)
{
    return {3, output::nagios_line("REDIS", output::NagiosState::unknown, reason, {})};
}

} // namespace redops::cli
