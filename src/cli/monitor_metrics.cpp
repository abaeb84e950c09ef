// The Prometheus text exposition of a monitor sample: redis_exporter's names and types for the server figures,
// so existing dashboards and alerts work unchanged, and redops_* for what only redops knows about this layer.
#include "cli/monitor_format.h"

#include <fmt/format.h>

#include <functional>
#include <string_view>
#include <vector>

namespace redops::cli {

namespace {

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

// Integers as integers; others with enough digits to round-trip.
std::string value_text(double value)
{
    return fmt::format("{}", value);
}

using Samples = std::vector<std::pair<std::string, double>>; // {labels, value}

// One family: HELP and TYPE once, then each sample (the format allows a family without samples; we skip it).
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help, const Samples& samples)
{
    if (samples.empty()) {
        return;
    }
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    for (const auto& [labels, value] : samples) {
        out += fmt::format("{}{} {}\n", name, labels, value_text(value));
    }
}

// The server figures, one row each: redis_exporter's name (namespace "redis"), its type and what it reads.
struct ServerMetric {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::function<double(const repo::HealthSample&)> value;
};

double as_double(long long v)
{
    return static_cast<double>(v);
}

const std::vector<ServerMetric>& server_metrics()
{
    static const std::vector<ServerMetric> k_metrics{
        {"redis_uptime_in_seconds", "gauge", "uptime_in_seconds", [](const auto& s) { return as_double(s.uptime_s); }},
        {"redis_connected_clients", "gauge", "connected_clients", [](const auto& s) { return as_double(s.connected_clients); }},
        {"redis_blocked_clients", "gauge", "blocked_clients", [](const auto& s) { return as_double(s.blocked_clients); }},
        {"redis_memory_used_bytes", "gauge", "used_memory", [](const auto& s) { return as_double(s.used_memory); }},
        {"redis_memory_used_peak_bytes", "gauge", "used_memory_peak", [](const auto& s) { return as_double(s.used_memory_peak); }},
        {"redis_memory_max_bytes", "gauge", "maxmemory (0: no limit)", [](const auto& s) { return as_double(s.maxmemory); }},
        {"redis_mem_fragmentation_ratio", "gauge", "mem_fragmentation_ratio", [](const auto& s) { return s.mem_fragmentation_ratio; }},
        {"redis_commands_processed_total", "counter", "total_commands_processed",
         [](const auto& s) { return as_double(s.total_commands_processed); }},
        {"redis_keyspace_hits_total", "counter", "keyspace_hits", [](const auto& s) { return as_double(s.keyspace_hits); }},
        {"redis_keyspace_misses_total", "counter", "keyspace_misses", [](const auto& s) { return as_double(s.keyspace_misses); }},
        {"redis_evicted_keys_total", "counter", "evicted_keys", [](const auto& s) { return as_double(s.evicted_keys); }},
        {"redis_expired_keys_total", "counter", "expired_keys", [](const auto& s) { return as_double(s.expired_keys); }},
        {"redis_rejected_connections_total", "counter", "rejected_connections",
         [](const auto& s) { return as_double(s.rejected_connections); }},
        {"redis_net_input_bytes_total", "counter", "total_net_input_bytes", [](const auto& s) { return as_double(s.net_input_bytes); }},
        {"redis_net_output_bytes_total", "counter", "total_net_output_bytes",
         [](const auto& s) { return as_double(s.net_output_bytes); }},
        {"redis_connected_slaves", "gauge", "connected_slaves", [](const auto& s) { return as_double(s.connected_replicas); }},
        {"redis_master_repl_offset", "gauge", "master_repl_offset", [](const auto& s) { return as_double(s.master_repl_offset); }},
        {"redis_rdb_last_bgsave_status", "gauge", "rdb_last_bgsave_status (1: ok)",
         [](const auto& s) { return s.rdb_last_bgsave_status == "ok" ? 1.0 : 0.0; }},
    };
    return k_metrics;
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
            out.emplace_back(fmt::format("node=\"{}\"", label_value(n.address)), &n);
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
        info.emplace_back(braces(joined(node, fmt::format("role=\"{}\",redis_version=\"{}\",maxmemory_policy=\"{}\"",
                                                          label_value(n->role), label_value(n->version),
                                                          label_value(n->maxmemory_policy)))),
                          1);
    }
    family(out, "redis_instance_info", "gauge", "Information about the Redis instance", info);
    for (const auto& metric : server_metrics()) {
        Samples samples;
        for (const auto& [node, n] : nodes) {
            samples.emplace_back(braces(node), metric.value(*n));
        }
        family(out, metric.name, metric.type, metric.help, samples);
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
                                                                 label_value(n->master_host), label_value(n->master_port))));
            link.emplace_back(labels, n->master_link_status == "up" ? 1 : 0);
            if (n->replication_lag_s) {
                last_io.emplace_back(labels, as_double(*n->replication_lag_s));
            }
        }
    }
    family(out, "redis_db_keys", "gauge", "Total number of keys by DB", keys);
    family(out, "redis_db_keys_expiring", "gauge", "Total number of expiring keys by DB", expiring);
    family(out, "redis_master_link_up", "gauge", "Master link status on Redis slave", link);
    family(out, "redis_master_last_io_seconds_ago", "gauge", "Master last io seconds ago", last_io);
}

void redops_figures(std::string& out, const repo::HealthSample& s)
{
    family(out, "redops_healthy", "gauge",
           "1 when the sample is healthy: Redis answered and no replica has lost its master link", {{"", s.healthy ? 1 : 0}});
    if (!s.nodes.empty()) {
        Samples up;
        for (const auto& n : s.nodes) {
            up.emplace_back(fmt::format("{{node=\"{}\",role=\"{}\"}}", label_value(n.address), label_value(n.role)),
                            n.reachable ? 1 : 0);
        }
        family(out, "redops_node_up", "gauge", "1 when the cluster node answered PING and INFO", up);
        Samples latency;
        for (const auto& n : s.nodes) {
            if (n.reachable) {
                latency.emplace_back(fmt::format("{{node=\"{}\"}}", label_value(n.address)), n.latency_ms / 1000.0);
            }
        }
        family(out, "redops_node_ping_latency_seconds", "gauge", "PING round trip per cluster node", latency);
    }
    if (!s.reachable) {
        return;
    }
    family(out, "redops_ping_latency_seconds", "gauge", "PING round trip (a cluster: the slowest node)",
           {{"", s.latency_ms / 1000.0}});
    if (s.replication_lag_bytes) {
        family(out, "redops_replication_lag_bytes", "gauge",
               "Bytes of the replication stream the furthest-behind replica has not acknowledged",
               {{"", as_double(*s.replication_lag_bytes)}});
    }
    if (s.replication_lag_s) {
        family(out, "redops_replication_lag_seconds", "gauge",
               "A replica: seconds since the last I/O with its master; a primary: its replicas' worst ack lag",
               {{"", as_double(*s.replication_lag_s)}});
    }
    if (!s.keys) {
        return;
    }
    const repo::KeyCensusReport& keys = *s.keys;
    family(out, "redops_keys_scanned", "gauge", "Keys seen so far by the key census pass under way",
           {{"", as_double(keys.scanned)}});
    if (!keys.counts) {
        return; // no figure rather than a wrong one until the first pass completes
    }
    Samples counts;
    Samples without_ttl;
    for (const auto& count : *keys.counts) {
        const std::string labels = fmt::format("{{kind=\"{}\"}}", label_value(count.kind));
        counts.emplace_back(labels, as_double(count.count));
        without_ttl.emplace_back(labels, as_double(count.without_ttl));
    }
    family(out, "redops_keys", "gauge", "Keys per data kind, from the last key census (SCAN pass)", counts);
    family(out, "redops_keys_without_ttl", "gauge", "Keys per data kind that had no expiry, from the last key census",
           without_ttl);
    for (const auto& figure : layer_figures()) {
        if (auto value = figure.value(keys.layer)) {
            family(out, figure.metric, "gauge", figure.help, {{"", *value}});
        }
    }
    family(out, "redops_keys_age_seconds", "gauge", "Seconds since the key census behind redops_keys finished",
           {{"", repo::keys_age_s(keys, s.time_ms).value_or(0)}});
    family(out, "redops_keys_partial", "gauge", "1 when redops_keys stopped at --keys-budget before the pass ended",
           {{"", keys.partial ? 1 : 0}});
}

} // namespace

std::string prometheus_text(const repo::HealthSample& s)
{
    std::string out;
    family(out, "redis_up", "gauge", "1 when Redis answered PING and INFO", {{"", s.reachable ? 1 : 0}});
    if (s.reachable) {
        server_figures(out, s);
    }
    redops_figures(out, s);
    return out;
}

} // namespace redops::cli
