// One monitor sample: PING latency plus the server figures of one INFO call, and rates between two samples.
#pragma once

#include "repo/key_counts.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redops::repo {

struct HealthSample {
    long long time_ms = 0; // wall clock, epoch milliseconds
    bool healthy = false;
    std::string error; // why the sample failed, when !healthy
    std::string address; // the node sampled; empty for a failed connect and for a cluster's aggregate
    double latency_ms = 0;
    std::string role;
    std::string version;
    long long uptime_s = 0;
    long long used_memory = 0;
    long long used_memory_peak = 0;
    long long maxmemory = 0; // 0: no limit
    std::string maxmemory_policy;
    double mem_fragmentation_ratio = 0;
    long long evicted_keys = 0;
    long long expired_keys = 0;
    long long connected_clients = 0;
    long long blocked_clients = 0;
    long long rejected_connections = 0;
    long long ops_per_sec = 0; // the server's own instantaneous figure
    long long keyspace_hits = 0;
    long long keyspace_misses = 0;
    std::optional<double> hit_ratio;           // none before the first lookup
    std::string master_link_status;            // replicas only: up / down
    std::optional<long long> replication_lag_s; // replicas only: seconds since the last I/O with the master
    std::string rdb_last_bgsave_status;        // ok / err
    bool aof_enabled = false;
    std::string aof_last_write_status;
    std::string cluster_state; // cluster mode only
    // Differences with the previous healthy sample (none for the first one or across a restart).
    std::optional<double> evictions_per_s;
    std::optional<double> expirations_per_s;
    std::optional<double> commands_per_s;
    long long total_commands_processed = 0;
    // A cluster: one sample per node, which the fields above aggregate (see aggregate_nodes).
    std::vector<HealthSample> nodes;
    std::optional<KeyCensusReport> keys; // monitor --keys / --keys-exact only
};

// Fills the server figures of `sample` from parsed INFO fields (redis::parse_info); missing fields stay 0/empty.
void apply_info(HealthSample& sample, const std::vector<std::pair<std::string, std::string>>& info);

// Sets the per-second rates of `current` from `previous`; counters that went backwards (restart) give none.
void apply_rates(HealthSample& current, const HealthSample& previous);

// One sample of a whole cluster from its nodes' samples: healthy when every primary answered and says
// cluster_state ok; counters, memory and clients summed; latency, fragmentation and replication lag the
// worst node's; a failed rdb/aof write or replica link on any node shows. `nodes` keeps the inputs.
HealthSample aggregate_nodes(std::vector<HealthSample> nodes, long long time_ms);

// Percent of maxmemory in use, none without a limit; for a cluster the fullest node's, since a node
// refuses writes when it is full whatever the others hold.
std::optional<double> memory_percent(const HealthSample& sample);

} // namespace redops::repo
