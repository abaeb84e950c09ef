// The monitor's metric tables (server figures, layer figures) and the Prometheus text exposition of a sample:
// redis_exporter's names and types for the server figures, so existing dashboards and alerts work unchanged, and
// redops_* for what only redops knows about this layer.
#include "cli/monitor_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <vector>

namespace redops::cli {

namespace {

using Json = nlohmann::ordered_json;
using Read = std::optional<Json>;
using S = repo::HealthSample;
using output::MetricType;
using T = CheckThresholds;

template <typename V>
Json optional_json(const std::optional<V>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

std::optional<double> optional_double(const std::optional<long long>& value)
{
    return value ? std::optional<double>(static_cast<double>(*value)) : std::nullopt;
}

double as_double(long long v)
{
    return static_cast<double>(v);
}

bool is_replica(const S& s)
{
    return !s.master_link_status.empty();
}

} // namespace

// In the JSON line's order (the text line and the perfdata keep it too); `exposition` keeps the exposition's own,
// redis_exporter's names for the server figures.
const std::vector<HealthMetric>& health_metrics()
{
    static const std::vector<HealthMetric> k_metrics{
        // Microseconds are plenty: a perfdata value with fewer digits reads better in every graph's legend.
        {{"latency_ms", "latency_ms", 3},
         0,
         [](const S& s) -> Read { return Json(s.latency_ms); },
         "latency",
         "ms",
         [](const S& s) {
             return s.reachable ? std::optional<double>(std::round(s.latency_ms * 1000) / 1000) : std::nullopt;
         },
         &T::warn_latency_ms,
         &T::crit_latency_ms,
         std::nullopt,
         std::nullopt,
         3,
         "ms"},
        {{"role", "role"}, 0, [](const S& s) -> Read { return Json(s.role); }},
        {{"version"}, 0, [](const S& s) -> Read { return Json(s.version); }},
        {{"uptime_s", "", -1, "redis_uptime_in_seconds", MetricType::gauge, "uptime_in_seconds"},
         1,
         [](const S& s) -> Read { return Json(s.uptime_s); }},
        {{"used_memory_bytes", "used_memory", -1, "redis_memory_used_bytes", MetricType::gauge, "used_memory"},
         4,
         [](const S& s) -> Read { return Json(s.used_memory); }},
        {{"used_memory_peak_bytes", "", -1, "redis_memory_used_peak_bytes", MetricType::gauge, "used_memory_peak"},
         5,
         [](const S& s) -> Read { return Json(s.used_memory_peak); }},
        {{"maxmemory_bytes", "maxmemory", -1, "redis_memory_max_bytes", MetricType::gauge, "maxmemory (0: no limit)"},
         6,
         [](const S& s) -> Read { return Json(s.maxmemory); }},
        {{"maxmemory_policy", "policy"}, 0, [](const S& s) -> Read { return Json(s.maxmemory_policy); }},
        {{"memory_percent"},
         0,
         [](const S& s) -> Read { return optional_json(repo::memory_percent(s)); },
         "memory",
         "%",
         [](const S& s) { return repo::memory_percent(s); },
         &T::warn_memory_pct,
         &T::crit_memory_pct,
         std::nullopt,
         100.0,
         1,
         "%"},
        {{"mem_fragmentation_ratio", "", -1, "redis_mem_fragmentation_ratio", MetricType::gauge,
          "mem_fragmentation_ratio"},
         7,
         [](const S& s) -> Read { return Json(s.mem_fragmentation_ratio); }},
        {{"evicted_keys", "evicted_keys", -1, "redis_evicted_keys_total", MetricType::counter, "evicted_keys"},
         11,
         [](const S& s) -> Read { return Json(s.evicted_keys); }},
        {{"evictions_per_s", "evictions_per_s", 2},
         0,
         [](const S& s) -> Read { return optional_json(s.evictions_per_s); },
         "evictions",
         "",
         [](const S& s) { return std::optional<double>(s.evictions_per_s.value_or(0)); },
         &T::warn_evictions_per_s,
         &T::crit_evictions_per_s,
         std::nullopt,
         std::nullopt,
         2,
         "/s"},
        {{"expired_keys", "", -1, "redis_expired_keys_total", MetricType::counter, "expired_keys"},
         12,
         [](const S& s) -> Read { return Json(s.expired_keys); }},
        {{"expirations_per_s"}, 0, [](const S& s) -> Read { return optional_json(s.expirations_per_s); }},
        {{"connected_clients", "clients", -1, "redis_connected_clients", MetricType::gauge, "connected_clients"},
         2,
         [](const S& s) -> Read { return Json(s.connected_clients); }},
        {{"blocked_clients", "", -1, "redis_blocked_clients", MetricType::gauge, "blocked_clients"},
         3,
         [](const S& s) -> Read { return Json(s.blocked_clients); }},
        {{"rejected_connections", "rejected", -1, "redis_rejected_connections_total", MetricType::counter,
          "rejected_connections"},
         13,
         [](const S& s) -> Read { return Json(s.rejected_connections); }},
        {{"ops_per_s", "ops_per_s"}, 0, [](const S& s) -> Read { return Json(s.ops_per_sec); }},
        {{"commands_per_s"}, 0, [](const S& s) -> Read { return optional_json(s.commands_per_s); }},
        {{"", "", -1, "redis_commands_processed_total", MetricType::counter, "total_commands_processed"},
         8,
         [](const S& s) -> Read { return Json(s.total_commands_processed); }},
        {{"keyspace_hits", "", -1, "redis_keyspace_hits_total", MetricType::counter, "keyspace_hits"},
         9,
         [](const S& s) -> Read { return Json(s.keyspace_hits); }},
        {{"keyspace_misses", "", -1, "redis_keyspace_misses_total", MetricType::counter, "keyspace_misses"},
         10,
         [](const S& s) -> Read { return Json(s.keyspace_misses); }},
        {{"hit_ratio", "hit_ratio", 2}, 0, [](const S& s) -> Read { return optional_json(s.hit_ratio); }},
        {{"net_input_bytes", "", -1, "redis_net_input_bytes_total", MetricType::counter, "total_net_input_bytes"},
         14,
         [](const S& s) -> Read { return Json(s.net_input_bytes); }},
        {{"net_output_bytes", "", -1, "redis_net_output_bytes_total", MetricType::counter, "total_net_output_bytes"},
         15,
         [](const S& s) -> Read { return Json(s.net_output_bytes); }},
        // A replica cut off from its master: CRITICAL (the sample is unhealthy), and the perfdata says why.
        {{"master_link_status"},
         0,
         [](const S& s) -> Read { return is_replica(s) ? Read(s.master_link_status) : std::nullopt; },
         "master_link_up",
         "",
         [](const S& s) {
             return is_replica(s) ? std::optional<double>(s.master_link_status == "up" ? 1.0 : 0.0) : std::nullopt;
         },
         nullptr,
         nullptr,
         output::parse_nagios_range("1:"),
         1.0,
         0,
         "",
         true},
        {{"master"},
         0,
         [](const S& s) -> Read {
             return is_replica(s) && !s.master_host.empty() ? Read(fmt::format("{}:{}", s.master_host, s.master_port))
                                                            : std::nullopt;
         }},
        {{"master_link_down_s"},
         0,
         [](const S& s) -> Read { return is_replica(s) ? Read(optional_json(s.master_link_down_s)) : std::nullopt; }},
        {{"connected_replicas", "", -1, "redis_connected_slaves", MetricType::gauge, "connected_slaves"},
         16,
         [](const S& s) -> Read { return Json(s.connected_replicas); }},
        {{"", "", -1, "redis_master_repl_offset", MetricType::gauge, "master_repl_offset"},
         17,
         [](const S& s) -> Read { return Json(s.master_repl_offset); }},
        {{"replication_lag_s"},
         0,
         [](const S& s) -> Read { return optional_json(s.replication_lag_s); },
         "replication_lag",
         "s",
         [](const S& s) { return optional_double(s.replication_lag_s); },
         &T::warn_lag_s,
         &T::crit_lag_s,
         std::nullopt,
         std::nullopt,
         0,
         "s",
         true},
        {{"replication_lag_bytes"},
         0,
         [](const S& s) -> Read { return optional_json(s.replication_lag_bytes); },
         "replication_lag_bytes",
         "B",
         [](const S& s) { return optional_double(s.replication_lag_bytes); },
         &T::warn_lag_bytes,
         &T::crit_lag_bytes,
         std::nullopt,
         std::nullopt,
         0,
         "B",
         true},
        {{"keyspace"},
         0,
         [](const S& s) -> Read {
             auto dbs = Json::object();
             for (const auto& db : s.dbs) {
                 dbs[fmt::format("db{}", db.db)] = {{"keys", db.keys}, {"expires", db.expires}};
             }
             return dbs;
         }},
        {{"rdb_last_bgsave_status"}, 0, [](const S& s) -> Read { return Json(s.rdb_last_bgsave_status); }},
        {{"", "", -1, "redis_rdb_last_bgsave_status", MetricType::gauge, "rdb_last_bgsave_status (1: ok)"},
         18,
         [](const S& s) -> Read { return Json(s.rdb_last_bgsave_status == "ok" ? 1.0 : 0.0); }},
        {{"aof_enabled"}, 0, [](const S& s) -> Read { return Json(s.aof_enabled); }},
        {{"aof_last_write_status"},
         0,
         [](const S& s) -> Read { return s.aof_enabled ? Read(s.aof_last_write_status) : std::nullopt; }},
        {{"cluster_state"},
         0,
         [](const S& s) -> Read { return s.cluster_state.empty() ? std::nullopt : Read(s.cluster_state); }},
    };
    return k_metrics;
}

std::vector<output::MetricReading> read_metrics(const repo::HealthSample& s)
{
    std::vector<output::MetricReading> readings;
    for (const auto& metric : health_metrics()) {
        if (auto value = metric.read(s)) {
            readings.push_back({&metric.spec, std::move(*value)});
        }
    }
    return readings;
}

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
         "Cached tokens whose payload expiresAt has passed while the key lives", "", true,
         [=](const repo::LayerFigures& l) { return count(l.tokens_expired); }},
        {"stale_index_entries", "redops_stale_index_entries",
         "User-index members whose session key is gone, counted by the last key census", "", true,
         [=](const repo::LayerFigures& l) { return count(l.stale_index_entries); }},
    };
    return k_figures;
}

namespace {

using output::prometheus_label_value;
using Samples = output::PrometheusSamples;

void family(std::string& out, std::string_view name, std::string_view help, const Samples& samples)
{
    output::prometheus_family(out, name, MetricType::gauge, help, samples);
}

// The server families in the exposition's order.
const std::vector<const HealthMetric*>& exposition_metrics()
{
    static const std::vector<const HealthMetric*> k_ordered = [] {
        std::vector<const HealthMetric*> ordered;
        for (const auto& metric : health_metrics()) {
            if (metric.exposition > 0) {
                ordered.push_back(&metric);
            }
        }
        std::sort(ordered.begin(), ordered.end(),
                  [](const auto* a, const auto* b) { return a->exposition < b->exposition; });
        return ordered;
    }();
    return k_ordered;
}

// A cluster: the server figures per node, labelled node="host:port"; otherwise the one server, unlabelled
// (Prometheus adds instance and job itself).
std::vector<std::pair<std::string, const repo::HealthSample*>> servers(const repo::HealthSample& s)
{
    std::vector<std::pair<std::string, const repo::HealthSample*>> out;
    if (s.nodes.empty()) {
        out.emplace_back("", &s);
        return out;
    }
    for (const auto& n : s.nodes) {
        if (n.reachable) {
            out.emplace_back(fmt::format("node=\"{}\"", prometheus_label_value(n.address)), &n);
        }
    }
    return out;
}

std::string braces(const std::string& labels)
{
    return labels.empty() ? std::string() : "{" + labels + "}";
}

std::string joined(const std::string& a, const std::string& b)
{
    return a.empty() ? b : b.empty() ? a : a + "," + b;
}

void server_figures(std::string& out, const repo::HealthSample& s)
{
    const auto nodes = servers(s);
    Samples info;
    for (const auto& [node, n] : nodes) {
        info.emplace_back(braces(joined(node,
                                        fmt::format("role=\"{}\",redis_version=\"{}\",maxmemory_policy=\"{}\"",
                                                    prometheus_label_value(n->role), prometheus_label_value(n->version),
                                                    prometheus_label_value(n->maxmemory_policy)))),
                          1);
    }
    family(out, "redis_instance_info", "Information about the Redis instance", info);
    for (const auto* metric : exposition_metrics()) {
        Samples samples;
        for (const auto& [node, n] : nodes) {
            if (auto value = metric->read(*n); value && value->is_number()) {
                samples.emplace_back(braces(node), value->get<double>());
            }
        }
        output::prometheus_family(out, metric->spec.prometheus, metric->spec.type, metric->spec.help, samples);
    }
    Samples keys;
    Samples expiring;
    Samples link;
    Samples last_io;
    for (const auto& [node, n] : nodes) {
        for (const auto& db : n->dbs) {
            std::string labels = braces(joined(node, fmt::format("db=\"db{}\"", db.db)));
            keys.emplace_back(labels, as_double(db.keys));
            expiring.emplace_back(labels, as_double(db.expires));
        }
        if (!n->master_link_status.empty()) {
            std::string labels = braces(joined(node, fmt::format("master_host=\"{}\",master_port=\"{}\"",
                                                                 prometheus_label_value(n->master_host),
                                                                 prometheus_label_value(n->master_port))));
            link.emplace_back(labels, n->master_link_status == "up" ? 1 : 0);
            if (n->replication_lag_s) {
                last_io.emplace_back(labels, as_double(*n->replication_lag_s));
            }
        }
    }
    family(out, "redis_db_keys", "Total number of keys by DB", keys);
    family(out, "redis_db_keys_expiring", "Total number of expiring keys by DB", expiring);
    family(out, "redis_master_link_up", "Master link status on Redis slave", link);
    family(out, "redis_master_last_io_seconds_ago", "Master last io seconds ago", last_io);
}

void redops_figures(std::string& out, const repo::HealthSample& s)
{
    family(out, "redops_healthy",
           "1 when the sample is healthy: Redis answered and no replica has lost its master link",
           {{"", s.healthy ? 1 : 0}});
    if (!s.nodes.empty()) {
        Samples up;
        for (const auto& n : s.nodes) {
            up.emplace_back(fmt::format("{{node=\"{}\",role=\"{}\"}}", prometheus_label_value(n.address),
                                        prometheus_label_value(n.role)),
                            n.reachable ? 1 : 0);
        }
        family(out, "redops_node_up", "1 when the cluster node answered PING and INFO", up);
        Samples latency;
        for (const auto& n : s.nodes) {
            if (n.reachable) {
                latency.emplace_back(fmt::format("{{node=\"{}\"}}", prometheus_label_value(n.address)),
                                     n.latency_ms / 1000.0);
            }
        }
        family(out, "redops_node_ping_latency_seconds", "PING round trip per cluster node", latency);
    }
    if (!s.reachable) {
        return;
    }
    family(out, "redops_ping_latency_seconds", "PING round trip (a cluster: the slowest node)",
           {{"", s.latency_ms / 1000.0}});
    if (s.replication_lag_bytes) {
        family(out, "redops_replication_lag_bytes",
               "Bytes of the replication stream the furthest-behind replica has not acknowledged",
               {{"", as_double(*s.replication_lag_bytes)}});
    }
    if (s.replication_lag_s) {
        family(out, "redops_replication_lag_seconds",
               "A replica: seconds since the last I/O with its master; a primary: its replicas' worst ack lag",
               {{"", as_double(*s.replication_lag_s)}});
    }
    if (!s.keys) {
        return;
    }
    const repo::KeyCensusReport& keys = *s.keys;
    family(out, "redops_keys_scanned", "Keys seen so far by the key census pass under way",
           {{"", as_double(keys.scanned)}});
    if (!keys.counts) {
        return; // no figure rather than a wrong one until the first pass completes
    }
    Samples counts;
    Samples without_ttl;
    for (const auto& count : *keys.counts) {
        const std::string labels = fmt::format("{{kind=\"{}\"}}", prometheus_label_value(count.kind));
        counts.emplace_back(labels, as_double(count.count));
        without_ttl.emplace_back(labels, as_double(count.without_ttl));
    }
    family(out, "redops_keys", "Keys per data kind, from the last key census (SCAN pass)", counts);
    family(out, "redops_keys_without_ttl", "Keys per data kind that had no expiry, from the last key census",
           without_ttl);
    for (const auto& figure : layer_figures()) {
        if (auto value = figure.value(keys.layer)) {
            family(out, figure.metric, figure.help, {{"", *value}});
        }
    }
    family(out, "redops_keys_age_seconds", "Seconds since the key census behind redops_keys finished",
           {{"", repo::keys_age_s(keys, s.time_ms).value_or(0)}});
    family(out, "redops_keys_partial", "1 when redops_keys stopped at --keys-budget before the pass ended",
           {{"", keys.partial ? 1 : 0}});
}

} // namespace

std::string prometheus_text(const repo::HealthSample& s)
{
    std::string out;
    family(out, "redis_up", "1 when Redis answered PING and INFO", {{"", s.reachable ? 1 : 0}});
    if (s.reachable) {
        server_figures(out, s);
    }
    redops_figures(out, s);
    return out;
}

} // namespace redops::cli
