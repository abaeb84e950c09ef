#include "cli/monitor_format.h"

#include "output/time_format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
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

// Prometheus label values escape backslash, double quote and newline.
std::string label_value(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help, double value,
            std::string_view labels = "")
{
    out += fmt::format("# HELP redops_{} {}\n# TYPE redops_{} {}\nredops_{}{} {}\n", name, help, name, type, name,
                       labels, value);
}

// One metric family with a sample per label set (HELP and TYPE once, as the format requires).
void metric_family(std::string& out, std::string_view name, std::string_view type, std::string_view help,
                   const std::vector<std::pair<std::string, double>>& samples)
{
    out += fmt::format("# HELP redops_{} {}\n# TYPE redops_{} {}\n", name, help, name, type);
    for (const auto& [labels, value] : samples) {
        out += fmt::format("redops_{}{} {}\n", name, labels, value);
    }
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
        } else {
            j["latency_ms"] = n.latency_ms;
            j["used_memory_bytes"] = n.used_memory;
            j["maxmemory_bytes"] = n.maxmemory;
            j["ops_per_s"] = n.ops_per_sec;
            j["cluster_state"] = n.cluster_state;
        }
        nodes.push_back(std::move(j));
    }
    return nodes;
}

void node_metrics(std::string& out, const repo::HealthSample& s)
{
    std::vector<std::pair<std::string, double>> up;
    std::vector<std::pair<std::string, double>> latency;
    std::vector<std::pair<std::string, double>> memory;
    for (const auto& n : s.nodes) {
        std::string node = fmt::format("{{node=\"{}\"}}", label_value(n.address));
        up.emplace_back(fmt::format("{{node=\"{}\",role=\"{}\"}}", label_value(n.address), label_value(n.role)),
                        n.healthy ? 1 : 0);
        if (n.healthy) {
            latency.emplace_back(node, n.latency_ms / 1000.0);
            memory.emplace_back(node, static_cast<double>(n.used_memory));
        }
    }
    metric_family(out, "node_up", "gauge", "1 when the cluster node answered PING and INFO", up);
    metric_family(out, "node_ping_latency_seconds", "gauge", "PING round trip per cluster node", latency);
    metric_family(out, "node_memory_used_bytes", "gauge", "used_memory per cluster node", memory);
}

void keys_json(nlohmann::ordered_json& j, const repo::KeyCensusReport& keys, long long time_ms)
{
    if (keys.counts) {
        nlohmann::ordered_json counts = nlohmann::ordered_json::object();
        for (const auto& [kind, count] : *keys.counts) {
            counts[kind] = count;
        }
        j["keys"] = counts;
    } else {
        j["keys"] = nullptr;
    }
    j["keys_age_s"] = optional_json(repo::keys_age_s(keys, time_ms));
    j["keys_exact"] = keys.exact;
    j["keys_scanned"] = keys.scanned;
    if (!keys.error.empty()) {
        j["keys_error"] = keys.error;
    }
}

// " keys_token=12 ... keys_other=3 keys_age_s=1.500", or " keys=pending keys_scanned=N" before the first pass.
std::string keys_line(const repo::KeyCensusReport& keys, long long time_ms)
{
    std::string out;
    if (keys.counts) {
        for (const auto& [kind, count] : *keys.counts) {
            out += fmt::format(" keys_{}={}", kind, count);
        }
        out += fmt::format(" keys_age_s={:.3f}", repo::keys_age_s(keys, time_ms).value_or(0));
    } else {
        out += fmt::format(" keys=pending keys_scanned={}", keys.scanned);
    }
    if (!keys.error.empty()) {
        out += fmt::format(" keys_error=\"{}\"", keys.error);
    }
    return out;
}

void keys_metrics(std::string& out, const repo::KeyCensusReport& keys, long long time_ms)
{
    if (!keys.counts) {
        return; // no figure rather than a wrong one until the first pass completes
    }
    std::vector<std::pair<std::string, double>> counts;
    for (const auto& [kind, count] : *keys.counts) {
        counts.emplace_back(fmt::format("{{kind=\"{}\"}}", label_value(kind)), static_cast<double>(count));
    }
    metric_family(out, "keys", "gauge", "Keys per data kind, from the last complete SCAN pass", counts);
    metric(out, "keys_age_seconds", "gauge", "Seconds since the SCAN pass behind redops_keys finished",
           repo::keys_age_s(keys, time_ms).value_or(0));
}

} // namespace

nlohmann::ordered_json sample_json(const repo::HealthSample& s)
{
    nlohmann::ordered_json j;
    j["time"] = output::rfc3339_utc_ms(s.time_ms);
    j["healthy"] = s.healthy;
    if (!s.address.empty()) {
        j["address"] = s.address;
    }
    if (!s.healthy) {
        j["error"] = s.error;
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
    if (s.role == "slave" || s.role == "replica") {
        j["master_link_status"] = s.master_link_status;
        j["replication_lag_s"] = optional_json(s.replication_lag_s);
    }
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
    if (!s.healthy) {
        return fmt::format("{} unhealthy error=\"{}\"", time, s.error);
    }
    std::string line = fmt::format(
        "{} healthy latency_ms={:.3f} role={} used_memory={} maxmemory={} policy={} evicted_keys={} evictions_per_s={} "
        "clients={} rejected={} ops_per_s={} hit_ratio={}",
        time, s.latency_ms, s.role, s.used_memory, s.maxmemory, s.maxmemory_policy, s.evicted_keys,
        optional_text(s.evictions_per_s), s.connected_clients, s.rejected_connections, s.ops_per_sec,
        optional_text(s.hit_ratio));
    if (!s.nodes.empty()) {
        auto answering = std::count_if(s.nodes.begin(), s.nodes.end(), [](const auto& n) { return n.healthy; });
        line += fmt::format(" nodes={}/{} cluster_state={}", answering, s.nodes.size(), s.cluster_state);
    }
    if (!s.master_link_status.empty()) {
        line += fmt::format(" master_link={} replication_lag_s={}", s.master_link_status,
                            s.replication_lag_s ? std::to_string(*s.replication_lag_s) : "-");
    }
    if (!s.address.empty()) {
        line += fmt::format(" node={}", s.address); // after a sentinel failover: which server this is
    }
    if (s.keys) {
        line += keys_line(*s.keys, s.time_ms);
    }
    return line;
}

std::string prometheus_text(const repo::HealthSample& s)
{
    std::string out;
    metric(out, "up", "gauge", "1 when Redis answered PING and INFO", s.healthy ? 1 : 0);
    if (!s.nodes.empty()) {
        node_metrics(out, s);
    }
    if (!s.healthy) {
        return out;
    }
    metric(out, "ping_latency_seconds", "gauge", "PING round trip", s.latency_ms / 1000.0);
    metric(out, "info", "gauge", "Role and version of the server", 1,
           fmt::format("{{role=\"{}\",version=\"{}\"}}", label_value(s.role), label_value(s.version)));
    metric(out, "uptime_seconds", "gauge", "Server uptime", static_cast<double>(s.uptime_s));
    metric(out, "memory_used_bytes", "gauge", "used_memory", static_cast<double>(s.used_memory));
    metric(out, "memory_peak_bytes", "gauge", "used_memory_peak", static_cast<double>(s.used_memory_peak));
    metric(out, "memory_max_bytes", "gauge", "maxmemory, 0 without a limit", static_cast<double>(s.maxmemory));
    metric(out, "memory_fragmentation_ratio", "gauge", "mem_fragmentation_ratio", s.mem_fragmentation_ratio);
    metric(out, "evicted_keys_total", "counter", "Keys evicted under maxmemory", static_cast<double>(s.evicted_keys));
    metric(out, "expired_keys_total", "counter", "Keys expired", static_cast<double>(s.expired_keys));
    metric(out, "connected_clients", "gauge", "Client connections", static_cast<double>(s.connected_clients));
    metric(out, "blocked_clients", "gauge", "Clients in a blocking call", static_cast<double>(s.blocked_clients));
    metric(out, "rejected_connections_total", "counter", "Connections rejected (maxclients)",
           static_cast<double>(s.rejected_connections));
    metric(out, "ops_per_second", "gauge", "instantaneous_ops_per_sec", static_cast<double>(s.ops_per_sec));
    metric(out, "keyspace_hits_total", "counter", "Successful key lookups", static_cast<double>(s.keyspace_hits));
    metric(out, "keyspace_misses_total", "counter", "Failed key lookups", static_cast<double>(s.keyspace_misses));
    if (s.replication_lag_s) {
        metric(out, "replication_lag_seconds", "gauge", "Seconds since the last I/O with the master",
               static_cast<double>(*s.replication_lag_s));
    }
    metric(out, "rdb_last_bgsave_ok", "gauge", "1 when the last RDB save succeeded",
           s.rdb_last_bgsave_status == "ok" ? 1 : 0);
    if (s.keys) {
        keys_metrics(out, *s.keys, s.time_ms);
    }
    return out;
}

CheckVerdict check_verdict(const repo::HealthSample& s, const CheckThresholds& t)
{
    static constexpr std::array<std::string_view, 4> k_state{"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    if (!s.healthy) {
        return {2, fmt::format("REDIS CRITICAL - {} | latency=U;;;0", s.error)};
    }
    int state = 0;
    std::vector<std::string> reasons;
    auto raise = [&](int level, std::string reason) {
        state = std::max(state, level);
        reasons.push_back(std::move(reason));
    };
    std::optional<double> memory = repo::memory_percent(s);
    double evictions = s.evictions_per_s.value_or(0);
    if (t.crit_latency_ms && s.latency_ms > *t.crit_latency_ms) {
        raise(2, fmt::format("latency {:.3f}ms > {}ms", s.latency_ms, *t.crit_latency_ms));
    } else if (t.warn_latency_ms && s.latency_ms > *t.warn_latency_ms) {
        raise(1, fmt::format("latency {:.3f}ms > {}ms", s.latency_ms, *t.warn_latency_ms));
    }
    if (memory && t.crit_memory_pct && *memory > *t.crit_memory_pct) {
        raise(2, fmt::format("memory {:.1f}% > {}%", *memory, *t.crit_memory_pct));
    } else if (memory && t.warn_memory_pct && *memory > *t.warn_memory_pct) {
        raise(1, fmt::format("memory {:.1f}% > {}%", *memory, *t.warn_memory_pct));
    }
    if (t.crit_evictions_per_s && evictions > *t.crit_evictions_per_s) {
        raise(2, fmt::format("evictions {:.2f}/s > {}/s", evictions, *t.crit_evictions_per_s));
    }
    std::string summary = reasons.empty() ? fmt::format("{} {} up {}s", s.role, s.version, s.uptime_s)
                                          : fmt::format("{}", fmt::join(reasons, ", "));
    auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
    // Nagios perfdata: 'label'=value[UOM];warn;crit;min;max
    std::string perfdata = fmt::format("latency={:.3f}ms;{};{};0 memory={};{};{};0;100 evictions={:.2f};;{};0",
                                       s.latency_ms, opt(t.warn_latency_ms), opt(t.crit_latency_ms),
                                       memory ? fmt::format("{:.2f}%", *memory) : "U", opt(t.warn_memory_pct),
                                       opt(t.crit_memory_pct), evictions, opt(t.crit_evictions_per_s));
    if (s.keys && s.keys->counts) {
        for (const auto& [kind, count] : *s.keys->counts) {
            perfdata += fmt::format(" keys_{}={};;;0", kind, count);
        }
    }
    return {state, fmt::format("REDIS {} - {} | {}", k_state[static_cast<size_t>(state)], summary, perfdata)};
}

CheckVerdict unknown_verdict(std::string_view reason)
{
    return {3, fmt::format("REDIS UNKNOWN - {}", reason)};
}

} // namespace redops::cli
