#include "repo/health_sample.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <string_view>

#include <fmt/format.h>

namespace redops::repo {

namespace {

long long to_integer(const std::string& text)
{
    long long value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

double to_double(const std::string& text)
{
    // strtod, not from_chars: libstdc++ before 11 lacks the floating-point overload.
    return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr);
}

std::optional<double> rate(long long now, long long before, double seconds)
{
    if (now < before || seconds <= 0) {
        return std::nullopt;
    }
    return (static_cast<double>(now) - static_cast<double>(before)) / seconds; // no overflow on wild counters
}

// INFO figures are the server's text: a corrupt or hostile value saturates instead of overflowing a sum.
long long saturating_add(long long a, long long b)
{
    long long sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) {
        return b > 0 ? std::numeric_limits<long long>::max() : std::numeric_limits<long long>::min();
    }
    return sum;
}

// "k1=v1,k2=v2" (INFO keyspace and slaveN lines): the value of `key`, empty when absent.
std::string field_of(std::string_view list, std::string_view key)
{
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        auto equals = item.find('=');
        if (equals != std::string_view::npos && item.substr(0, equals) == key) {
            return std::string(item.substr(equals + 1));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        list.remove_prefix(comma + 1);
    }
    return {};
}

// "db0", "slave3": the number after the prefix, or -1 when `name` is not prefix + digits.
int numbered(std::string_view name, std::string_view prefix)
{
    if (name.size() <= prefix.size() || name.size() > prefix.size() + 6 || name.substr(0, prefix.size()) != prefix) {
        return -1;
    }
    int n = 0;
    for (char c : name.substr(prefix.size())) {
        if (c < '0' || c > '9') {
            return -1;
        }
        n = n * 10 + (c - '0');
    }
    return n;
}

// Keys per database summed over the primaries of a cluster (a replica holds copies of its primary's keys).
void add_dbs(std::vector<DbKeys>& total, const std::vector<DbKeys>& node)
{
    for (const auto& db : node) {
        auto found = std::find_if(total.begin(), total.end(), [&](const DbKeys& t) { return t.db == db.db; });
        if (found == total.end()) {
            total.push_back(db);
        } else {
            found->keys = saturating_add(found->keys, db.keys);
            found->expires = saturating_add(found->expires, db.expires);
        }
    }
}

// A replica line of a primary's INFO: "slave0:ip=…,port=…,state=online,offset=123,lag=0".
void apply_replica_line(HealthSample& s, std::string_view value, std::vector<long long>& offsets)
{
    std::string lag = field_of(value, "lag");
    if (!lag.empty()) {
        s.replication_lag_s = std::max(s.replication_lag_s.value_or(0), to_integer(lag));
    }
    std::string offset = field_of(value, "offset");
    if (!offset.empty()) {
        offsets.push_back(to_integer(offset));
    }
}

// The verdict of what the server said about itself: a replica cut off from its master serves stale data.
void judge(HealthSample& s)
{
    s.healthy = true;
    if ((s.role == "slave" || s.role == "replica") && s.master_link_status != "up") {
        s.healthy = false;
        std::string who = s.master_host.empty() ? "replica"
                                                : fmt::format("replica of {}:{}", s.master_host, s.master_port);
        s.error = s.master_link_down_s ? fmt::format("{}: master link down for {}s", who, *s.master_link_down_s)
                                       : fmt::format("{}: master link {}", who,
                                                     s.master_link_status.empty() ? "unknown" : s.master_link_status);
    }
}

} // namespace

void apply_info(HealthSample& s, const std::vector<std::pair<std::string, std::string>>& info)
{
    auto has_lag = false;
    std::vector<long long> replica_offsets;
    for (const auto& [name, value] : info) {
        if (int db = numbered(name, "db"); db >= 0) {
            s.dbs.push_back({db, to_integer(field_of(value, "keys")), to_integer(field_of(value, "expires"))});
            continue;
        }
        if (numbered(name, "slave") >= 0) {
            apply_replica_line(s, value, replica_offsets);
            continue;
        }
        if (name == "role") {
            s.role = value;
        } else if (name == "redis_version") {
            s.version = value;
        } else if (name == "uptime_in_seconds") {
            s.uptime_s = to_integer(value);
        } else if (name == "used_memory") {
            s.used_memory = to_integer(value);
        } else if (name == "used_memory_peak") {
            s.used_memory_peak = to_integer(value);
        } else if (name == "maxmemory") {
            s.maxmemory = to_integer(value);
        } else if (name == "maxmemory_policy") {
            s.maxmemory_policy = value;
        } else if (name == "mem_fragmentation_ratio") {
            s.mem_fragmentation_ratio = to_double(value);
        } else if (name == "evicted_keys") {
            s.evicted_keys = to_integer(value);
        } else if (name == "expired_keys") {
            s.expired_keys = to_integer(value);
        } else if (name == "connected_clients") {
            s.connected_clients = to_integer(value);
        } else if (name == "blocked_clients") {
            s.blocked_clients = to_integer(value);
        } else if (name == "rejected_connections") {
            s.rejected_connections = to_integer(value);
        } else if (name == "instantaneous_ops_per_sec") {
            s.ops_per_sec = to_integer(value);
        } else if (name == "total_commands_processed") {
            s.total_commands_processed = to_integer(value);
        } else if (name == "keyspace_hits") {
            s.keyspace_hits = to_integer(value);
        } else if (name == "keyspace_misses") {
            s.keyspace_misses = to_integer(value);
        } else if (name == "master_link_status") {
            s.master_link_status = value;
        } else if (name == "master_host") {
            s.master_host = value;
        } else if (name == "master_port") {
            s.master_port = value;
        } else if (name == "master_link_down_since_seconds") {
            s.master_link_down_s = to_integer(value);
        } else if (name == "connected_slaves") {
            s.connected_replicas = to_integer(value);
        } else if (name == "master_repl_offset") {
            s.master_repl_offset = to_integer(value);
        } else if (name == "total_net_input_bytes") {
            s.net_input_bytes = to_integer(value);
        } else if (name == "total_net_output_bytes") {
            s.net_output_bytes = to_integer(value);
        } else if (name == "master_last_io_seconds_ago") {
            s.replication_lag_s = to_integer(value);
            has_lag = true;
        } else if (name == "rdb_last_bgsave_status") {
            s.rdb_last_bgsave_status = value;
        } else if (name == "aof_enabled") {
            s.aof_enabled = value == "1";
        } else if (name == "aof_last_write_status") {
            s.aof_last_write_status = value;
        } else if (name == "cluster_state") {
            s.cluster_state = value;
        }
    }
    // A replica whose link is down reports -1 seconds: the lag is unknown, not negative.
    if (has_lag && *s.replication_lag_s < 0) {
        s.replication_lag_s.reset();
    }
    // Up, or never connected yet (-1): no "down for N seconds" to tell.
    if (s.master_link_status == "up" || s.master_link_down_s.value_or(0) < 0) {
        s.master_link_down_s.reset();
    }
    for (long long offset : replica_offsets) {
        // Offsets are the server's text: clamped to [0, master] so a hostile one cannot overflow the difference.
        long long master = std::max(0LL, s.master_repl_offset);
        long long behind = master - std::clamp(offset, 0LL, master);
        s.replication_lag_bytes = std::max(s.replication_lag_bytes.value_or(0), behind);
    }
    s.reachable = true;
    judge(s);
    long long lookups = saturating_add(s.keyspace_hits, s.keyspace_misses);
    if (lookups > 0) {
        s.hit_ratio = static_cast<double>(s.keyspace_hits) / static_cast<double>(lookups);
    }
}

void apply_rates(HealthSample& current, const HealthSample& previous)
{
    if (!current.reachable || !previous.reachable || current.uptime_s < previous.uptime_s) {
        return;
    }
    double seconds = static_cast<double>(current.time_ms - previous.time_ms) / 1000.0;
    current.evictions_per_s = rate(current.evicted_keys, previous.evicted_keys, seconds);
    current.expirations_per_s = rate(current.expired_keys, previous.expired_keys, seconds);
    current.commands_per_s = rate(current.total_commands_processed, previous.total_commands_processed, seconds);
}

HealthSample aggregate_nodes(std::vector<HealthSample> nodes, long long time_ms)
{
    HealthSample total;
    total.time_ms = time_ms;
    total.role = "cluster";
    total.reachable = !nodes.empty();
    bool links_up = true;
    std::vector<std::string> problems;
    bool first_answer = true;
    for (const auto& n : nodes) {
        const bool primary = n.role == "master";
        if (!n.reachable) {
            problems.push_back(fmt::format("{} {}: {}", n.role.empty() ? "node" : n.role, n.address, n.error));
            total.reachable = total.reachable && !primary && !n.role.empty();
            continue;
        }
        if (!n.healthy) {
            problems.push_back(fmt::format("{} {}: {}", n.role, n.address, n.error));
            links_up = false;
        }
        if (!n.cluster_state.empty() && n.cluster_state != "ok") {
            problems.push_back(fmt::format("{} says cluster_state:{}", n.address, n.cluster_state));
            total.reachable = false;
        }
        if (first_answer) {
            total.version = n.version;
            total.uptime_s = n.uptime_s;
            total.maxmemory_policy = n.maxmemory_policy;
            total.rdb_last_bgsave_status = n.rdb_last_bgsave_status;
            total.aof_last_write_status = n.aof_last_write_status;
            total.cluster_state = n.cluster_state;
            first_answer = false;
        }
        total.latency_ms = std::max(total.latency_ms, n.latency_ms);
        total.uptime_s = std::min(total.uptime_s, n.uptime_s); // a restarted node voids the rates
        total.used_memory = saturating_add(total.used_memory, n.used_memory);
        total.used_memory_peak = saturating_add(total.used_memory_peak, n.used_memory_peak);
        total.maxmemory = saturating_add(total.maxmemory, n.maxmemory);
        total.mem_fragmentation_ratio = std::max(total.mem_fragmentation_ratio, n.mem_fragmentation_ratio);
        total.evicted_keys = saturating_add(total.evicted_keys, n.evicted_keys);
        total.expired_keys = saturating_add(total.expired_keys, n.expired_keys);
        total.connected_clients = saturating_add(total.connected_clients, n.connected_clients);
        total.blocked_clients = saturating_add(total.blocked_clients, n.blocked_clients);
        total.rejected_connections = saturating_add(total.rejected_connections, n.rejected_connections);
        total.ops_per_sec = saturating_add(total.ops_per_sec, n.ops_per_sec);
        total.total_commands_processed = saturating_add(total.total_commands_processed, n.total_commands_processed);
        total.keyspace_hits = saturating_add(total.keyspace_hits, n.keyspace_hits);
        total.keyspace_misses = saturating_add(total.keyspace_misses, n.keyspace_misses);
        total.aof_enabled = total.aof_enabled || n.aof_enabled;
        if (n.rdb_last_bgsave_status == "err") {
            total.rdb_last_bgsave_status = "err";
        }
        if (!n.aof_last_write_status.empty() && n.aof_last_write_status != "ok") {
            total.aof_last_write_status = n.aof_last_write_status;
        }
        if (!n.cluster_state.empty() && n.cluster_state != "ok") {
            total.cluster_state = n.cluster_state;
        }
        if (!n.master_link_status.empty() && total.master_link_status != "down") {
            total.master_link_status = n.master_link_status;
        }
        if (n.replication_lag_s) {
            total.replication_lag_s = std::max(total.replication_lag_s.value_or(0), *n.replication_lag_s);
        }
        if (n.replication_lag_bytes) {
            total.replication_lag_bytes = std::max(total.replication_lag_bytes.value_or(0), *n.replication_lag_bytes);
        }
        total.connected_replicas = saturating_add(total.connected_replicas, n.connected_replicas);
        total.net_input_bytes = saturating_add(total.net_input_bytes, n.net_input_bytes);
        total.net_output_bytes = saturating_add(total.net_output_bytes, n.net_output_bytes);
        if (primary) {
            add_dbs(total.dbs, n.dbs);
        }
    }
    long long lookups = saturating_add(total.keyspace_hits, total.keyspace_misses);
    if (lookups > 0) {
        total.hit_ratio = static_cast<double>(total.keyspace_hits) / static_cast<double>(lookups);
    }
    total.healthy = total.reachable && links_up;
    total.error = fmt::format("{}", fmt::join(problems, "; "));
    total.nodes = std::move(nodes);
    return total;
}

std::optional<double> memory_percent(const HealthSample& sample)
{
    if (!sample.nodes.empty()) {
        std::optional<double> fullest;
        for (const auto& node : sample.nodes) {
            if (auto percent = memory_percent(node); percent && (!fullest || *percent > *fullest)) {
                fullest = percent;
            }
        }
        return fullest;
    }
    if (sample.maxmemory <= 0) {
        return std::nullopt;
    }
    return 100.0 * static_cast<double>(sample.used_memory) / static_cast<double>(sample.maxmemory);
}

} // namespace redops::repo
