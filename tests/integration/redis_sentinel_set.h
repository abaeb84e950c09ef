// A Sentinel-managed set: a primary, one replica and 3 sentinels monitoring it as "mymaster" (quorum 2),
// each a RedisServer in its own temp dir, stopped by PID when the fixture dies (sentinels first).
#pragma once

#include "redis_server.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace redops::test {

class RedisSentinelSet {
public:
    static constexpr const char* k_master_name = "mymaster";

    // Returns once the replica's link is up and every sentinel sees the replica and the 2 other sentinels.
    // Throws std::runtime_error naming what was not ready when that takes too long.
    RedisSentinelSet();
    RedisSentinelSet(const RedisSentinelSet&) = delete;
    RedisSentinelSet& operator=(const RedisSentinelSet&) = delete;

    // How long the constructor took until the set was ready.
    std::chrono::milliseconds start_up() const { return m_start_up; }
    std::vector<int> sentinel_ports() const;
    // The primary's port as the first sentinel names it now.
    int primary_port() const;
    // Both data nodes, primary or replica.
    std::vector<int> data_ports() const;

    // SENTINEL FAILOVER on one sentinel, then waits until every sentinel names the other data node and that node's
    // ROLE says master. Returns its port. The old primary is turned into a replica by the sentinels later
    // (seconds), so a second failover right after this one has no replica to promote.
    int failover();

private:
    std::vector<std::unique_ptr<RedisServer>> m_data_nodes;
    std::vector<std::unique_ptr<RedisServer>> m_sentinels; // declared last: stopped first
    std::chrono::milliseconds m_start_up{0};
};

} // namespace redops::test
