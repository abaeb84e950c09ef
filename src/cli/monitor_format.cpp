#include "cli/monitor_format.h"

#include "output/time_format.h"
#include "output/nagios.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <string_view>
#include <vector>

namespace redops::cli {

namespace {

template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& value)
{
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

std::string optional_text(const std::optional<double>& value, const char* unit = "")
{
    return value ? fmt::format("{:.2f}{}", *value, unit) : "-";
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

const std::vector<LayerFigure>& layer_figures()
{
    auto count = [](long long v) { return std::optional<double>(static_cast<double>(v)); };
    static const std::vector<LayerFigure> k_figures{
        {"locks_held", "redops_locks_held", "Lock keys alive in the last key census: each is a held lock", "", true,
         [=](const repo::LayerFigures& l) { return count(l.locks_held); }},
        {"lock_ttl_consumed_max_s", "redops_lock_ttl_consumed_max_seconds",
         "The most any lock with an expiry has used of the configured lock TTL (defaults.lock_ttl minus its PTTL); "
         "its age only if taken with that TTL and never extended",
         "s", false,
         [](const repo::LayerFigures& l) {
             if (!l.lock_ttl_consumed_max_ms) {
                 return std::optional<double>();
             }
             return std::optional<double>(static_cast<double>(*l.lock_ttl_consumed_max_ms) / 1000.0);
         }},
        {"tokens_in_safety_buffer", "redops_tokens_in_safety_buffer",
         "Cached tokens whose payload expiresAt falls within the safety buffer from now (not yet expired)", "", true,
         [=](const repo::LayerFigures& l) { return count(l.tokens_in_safety_buffer); }},
        {"tokens_expired", "redops_tokens_expired",
         "Cached tokens whose payload expiresAt has passed while the key lives", "", true, [=](const repo::LayerFigures& l) { return count(l.tokens_expired); }},
        {"stale_index_entries", "redops_stale_index_entries",
         "User-index members whose session key is gone, counted by the last key census", "", true,
         [=](const repo::LayerFigures& l) { return count(l.stale_index_entries); }},
    };
    return k_figures;
}

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
    j["latency_ms"] = s.latency_ms;
    j["role"] = s.role;
    j["version"] = s.version;
    j["uptime_s"] = s.uptime_s;
    j["used_memory_bytes"] = s.used_memory;
    j["used_memory_peak_bytes"] = s.used_memory_peak;
    j["maxmemory_bytes"] = s.maxmemory;
    j["maxmemory_policy"] = s.maxmemory_policy;
    j["memory_percent"] = optional_json(repo::memory_percent(s));
    j["mem_fragmentation_ratio"] = s.mem_fragmentation_ratio;
    j["evicted_keys"] = s.evicted_keys;
    j["evictions_per_s"] = optional_json(s.evictions_per_s);
    j["expired_keys"] = s.expired_keys;
    j["expirations_per_s"] = optional_json(s.expirations_per_s);
    j["connected_clients"] = s.connected_clients;
    j["blocked_clients"] = s.blocked_clients;
    j["rejected_connections"] = s.rejected_connections;
    j["ops_per_s"] = s.ops_per_sec;
    j["commands_per_s"] = optional_json(s.commands_per_s);
    j["keyspace_hits"] = s.keyspace_hits;
    j["keyspace_misses"] = s.keyspace_misses;
    j["hit_ratio"] = optional_json(s.hit_ratio);
    j["net_input_bytes"] = s.net_input_bytes;
    j["net_output_bytes"] = s.net_output_bytes;
    if (!s.master_link_status.empty()) {
        j["master_link_status"] = s.master_link_status;
        if (!s.master_host.empty()) {
            j["master"] = fmt::format("{}:{}", s.master_host, s.master_port);
        }
        j["master_link_down_s"] = optional_json(s.master_link_down_s);
    }
    j["connected_replicas"] = s.connected_replicas;
    j["replication_lag_s"] = optional_json(s.replication_lag_s);
    j["replication_lag_bytes"] = optional_json(s.replication_lag_bytes);
    auto dbs = nlohmann::ordered_json::object();
    for (const auto& db : s.dbs) {
        dbs[fmt::format("db{}", db.db)] = {{"keys", db.keys}, {"expires", db.expires}};
    }
    j["keyspace"] = dbs;
    j["rdb_last_bgsave_status"] = s.rdb_last_bgsave_status;
    j["aof_enabled"] = s.aof_enabled;
    if (s.aof_enabled) {
        j["aof_last_write_status"] = s.aof_last_write_status;
    }
    if (!s.cluster_state.empty()) {
        j["cluster_state"] = s.cluster_state;
    }
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
    std::string line = fmt::format(
        "{} {} latency_ms={:.3f} role={} used_memory={} maxmemory={} policy={} evicted_keys={} evictions_per_s={} "
        "clients={} rejected={} ops_per_s={} hit_ratio={}",
        time, s.healthy ? "healthy" : "unhealthy", s.latency_ms, s.role, s.used_memory, s.maxmemory, s.maxmemory_policy, s.evicted_keys,
        optional_text(s.evictions_per_s), s.connected_clients, s.rejected_connections, s.ops_per_sec,
        optional_text(s.hit_ratio));
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

    void figure(std::string label, std::optional<double> value, std::string unit,
                const std::optional<output::NagiosRange>& warn, const std::optional<output::NagiosRange>& crit,
                std::optional<double> max, const std::string& shown)
    {
        perfdata.push_back({std::move(label), value, unit, ptr(warn), ptr(crit), 0.0, max});
        if (!value) {
            return;
        }
        output::NagiosState level = output::nagios_state(*value, ptr(warn), ptr(crit));
        if (level != output::NagiosState::ok) {
            const output::NagiosRange& range = level == output::NagiosState::critical ? *crit : *warn;
            reasons.push_back(breach(perfdata.back().label, shown, range, unit));
            state = std::max(state, level);
        }
    }
};

} // namespace

CheckVerdict check_verdict(const repo::HealthSample& s, const CheckThresholds& t)
{
    Judgement j;
    // Microseconds are plenty: a perfdata value with fewer digits reads better in every graph's legend.
    std::optional<double> latency =
        s.reachable ? std::optional<double>(std::round(s.latency_ms * 1000) / 1000) : std::nullopt;
    j.figure("latency", latency, "ms", t.warn_latency_ms, t.crit_latency_ms, std::nullopt,
             fmt::format("{:.3f}ms", s.latency_ms));
    if (!s.reachable) {
        j.perfdata.resize(1);
        return {2, output::nagios_line("REDIS", output::NagiosState::critical, s.error, j.perfdata)};
    }
    std::optional<double> memory = repo::memory_percent(s);
    j.figure("memory", memory, "%", t.warn_memory_pct, t.crit_memory_pct, 100.0,
             fmt::format("{:.1f}%", memory.value_or(0)));
    double evictions = s.evictions_per_s.value_or(0);
    j.figure("evictions", evictions, "", t.warn_evictions_per_s, t.crit_evictions_per_s, std::nullopt,
             fmt::format("{:.2f}/s", evictions));
    if (!s.master_link_status.empty()) {
        // A replica cut off from its master: CRITICAL, and the perfdata says why (critical below 1).
        static const output::NagiosRange k_link_must_be_up = *output::parse_nagios_range("1:");
        j.perfdata.push_back({"master_link_up", s.master_link_status == "up" ? 1.0 : 0.0, "", nullptr,
                              &k_link_must_be_up, 0.0, 1.0});
    }
    if (s.replication_lag_s || t.warn_lag_s || t.crit_lag_s) {
        auto lag = s.replication_lag_s ? std::optional<double>(static_cast<double>(*s.replication_lag_s)) : std::nullopt;
        j.figure("replication_lag", lag, "s", t.warn_lag_s, t.crit_lag_s, std::nullopt,
                 fmt::format("{}s", s.replication_lag_s.value_or(0)));
    }
    if (s.replication_lag_bytes || t.warn_lag_bytes || t.crit_lag_bytes) {
        auto lag = s.replication_lag_bytes ? std::optional<double>(static_cast<double>(*s.replication_lag_bytes))
                                           : std::nullopt;
        j.figure("replication_lag_bytes", lag, "B", t.warn_lag_bytes, t.crit_lag_bytes, std::nullopt,
                 fmt::format("{}B", s.replication_lag_bytes.value_or(0)));
    }
    if (!s.healthy) {
        j.state = output::NagiosState::critical;
        j.reasons.insert(j.reasons.begin(), s.error);
    }
    if (s.keys && s.keys->counts) {
        for (const auto& count : *s.keys->counts) {
            j.perfdata.push_back({"keys_" + count.kind, static_cast<double>(count.count), "", nullptr, nullptr, 0.0,
                                  std::nullopt});
        }
        for (const auto& count : *s.keys->counts) {
            j.perfdata.push_back({"keys_no_ttl_" + count.kind, static_cast<double>(count.without_ttl), "", nullptr,
                                  nullptr, 0.0, std::nullopt});
        }
        for (const auto& figure : layer_figures()) {
            if (auto value = figure.value(s.keys->layer)) {
                j.perfdata.push_back({std::string(figure.field), *value, std::string(figure.unit), nullptr, nullptr,
                                      0.0, std::nullopt});
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
