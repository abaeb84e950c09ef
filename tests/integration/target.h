// The Redis deployment a portable integration test runs against, chosen by REDOPS_TEST_TOPOLOGY:
// "standalone" (default), "tls" (a TLS-only server verified with a test CA) or "cluster" (6 nodes).
// Tests tagged [portable] are registered once per topology by tests/CMakeLists.txt, so the same test
// proves a command in every topology without a copy of it.
#pragma once

#include "process.h"
#include "redis/client.h"
#include "redis_cluster.h"
#include "redis_server.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redops::test {

enum class Topology { standalone, tls, cluster };

// From REDOPS_TEST_TOPOLOGY; an unknown value fails the test rather than silently testing standalone.
Topology topology_under_test();

class TestTarget {
public:
    TestTarget();
    ~TestTarget();
    TestTarget(const TestTarget&) = delete;
    TestTarget& operator=(const TestTarget&) = delete;

    Topology topology() const { return m_topology; }
    // The global options that point redops at this deployment ("--url", ... [, "--cacert", ...][, "--cluster"]).
    std::vector<std::string> args() const;
    // Runs redops with args() followed by `command`.
    ProcessResult redops(const std::vector<std::string>& command, const RunOptions& options = {}) const;
    // A client for seeding and inspecting data; in a cluster it routes every key to its node.
    redis::Client& client();
    // How many of `keys` exist, one EXISTS each in one pipeline: a multi-key EXISTS spans slots in a cluster.
    long long count_existing(const std::vector<std::string>& keys);
    // Redis servers behind the target: 1, or 6 for the cluster.
    long long node_count() const { return m_cluster ? static_cast<long long>(m_cluster->ports().size()) : 1; }
    // Keys in the whole keyspace (DBSIZE summed over the primaries).
    long long key_count();
    // A private directory for the test's files (configs, token files), removed with the target.
    const std::filesystem::path& dir() const { return m_dir; }

private:
    Topology m_topology;
    std::filesystem::path m_dir;
    std::optional<RedisServer> m_server;
    std::optional<RedisCluster> m_cluster;
    std::unique_ptr<redis::Client> m_client;
};

} // namespace redops::test
