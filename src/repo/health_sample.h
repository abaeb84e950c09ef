// One monitor sample: PING latency plus the server figures of one INFO call, and rates between two samples.
#pragma once

#include "repo/key_counts.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redops::repo {

// One line "dbN:keys=…,expires=…" of INFO keyspace.
struct DbKeys {
    int db = 0;
    long long keys = 0;
    long long expires = 0;
};

struct HealthSample {
    long long time_ms = 0;  // wall clock, epoch milliseconds
    bool reachable = false; // the server answered PING and INFO: the figures below are the server's
    bool healthy = false;   // reachable, and nothing it said is a failure (a replica's link to its master is up)
    std::string error;      // why the sample is unhealthy: the failure to answer, or what the server said is wrong
    std::string address;    // the node sampled; empty for a failed connect and for a cluster's aggregate
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
    std::optional<double> hit_ratio;             // none before the first lookup
    std::string master_link_status;              // replicas only: up / down
    std::string master_host;                     // replicas only
    std::string master_port;                     // replicas only
    std::optional<long long> master_link_down_s; // replicas only, while the link is down
    // A replica: seconds since the last I/O with its master (none while the link is down). A primary: the
    // worst of its replicas' seconds since their last acknowledgement.
    std::optional<long long> replication_lag_s;
    // A primary: how many bytes of the replication stream its furthest-behind replica has not acknowledged.
    std::optional<long long> replication_lag_bytes;
    long long connected_replicas = 0; // connected_slaves
    long long master_repl_offset = 0;
    long long net_input_bytes = 0;      // total_net_input_bytes
    long long net_output_bytes = 0;     // total_net_output_bytes
    std::vector<DbKeys> dbs;            // INFO keyspace: only the databases that hold keys
    std::string rdb_last_bgsave_status; // ok / err
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
// Marks the sample reachable, and healthy unless the server says something is wrong (a replica whose link to
// its master is down: `error` then says so).
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
