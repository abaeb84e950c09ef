// A real 6-node Redis Cluster (3 primaries, 3 replicas) on free loopback ports, each node a RedisServer in its
// own temp dir, stopped by PID when the fixture dies (RAII, also when start-up fails halfway).
#pragma once

#include "redis/options.h"
#include "redis_server.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace redops::test {

class RedisCluster {
public:
    // Starts the nodes, joins them with `redis-cli --cluster create`, and returns once every node reports
    // cluster_state:ok with all 16384 slots, knows all 6 nodes with their roles, and every replica's link is up.
    // Throws std::runtime_error naming what was not ready when that takes too long.
    RedisCluster();
    RedisCluster(const RedisCluster&) = delete;
    RedisCluster& operator=(const RedisCluster&) = delete;

    static constexpr int k_slots = 16384;

    // How long the constructor took until the cluster was ready.
    std::chrono::milliseconds start_up() const { return m_start_up; }

    // redis://127.0.0.1:P of a primary.
    std::string seed_url() const;
    std::vector<int> ports() const;
    const std::vector<int>& primary_ports() const { return m_primaries; }
    const std::vector<int>& replica_ports() const { return m_replicas; }
    redis::ConnectionOptions options(int port) const;

    // The slot of a key as the cluster computes it (CLUSTER KEYSLOT).
    int slot_of(const std::string& key) const;
    // The primary owning `slot`, as the first primary sees the slot map.
    int port_for_slot(int slot) const;

    // Resharding one slot by hand, as redis-cli --cluster reshard does it:
    // IMPORTING on the target, MIGRATING on the source; keys stay readable (the source answers ASK for moved ones).
    void begin_slot_migration(int slot, int from_port, int to_port);
    // Moves every key of the slot in batches (CLUSTER GETKEYSINSLOT + MIGRATE ... KEYS); returns how many.
    size_t migrate_keys(int slot, int from_port, int to_port) const;
    // Assigns the slot to the target on every primary (target first), then waits until every node agrees.
    void finish_slot_migration(int slot, int to_port);

    // Stops one node by PID (to the cluster, a crash), e.g. so that its replica takes over.
    void stop_node(int port);

private:
    const RedisServer& node(int port) const;
    std::string node_id(int port) const;
    void create() const;
    void wait_until_settled();

    std::vector<std::unique_ptr<RedisServer>> m_nodes;
    std::vector<int> m_primaries;
    std::vector<int> m_replicas;
    std::chrono::milliseconds m_start_up{0};
};

} // namespace redops::test
