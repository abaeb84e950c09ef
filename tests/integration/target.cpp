#include "target.h"

#include "redis/cluster_client.h"
#include "redis/command.h"

#include <cstdlib>
#include <stdexcept>
#include <stdlib.h>

namespace redops::test {

Topology topology_under_test()
{
    const char* value = std::getenv("REDOPS_TEST_TOPOLOGY");
    const std::string name = value ? value : "";
    if (name.empty() || name == "standalone") {
        return Topology::standalone;
    }
    if (name == "tls") {
        return Topology::tls;
    }
    if (name == "cluster") {
        return Topology::cluster;
    }
    throw std::runtime_error("REDOPS_TEST_TOPOLOGY must be standalone, tls or cluster, not '" + name + "'");
}

TestTarget::TestTarget() : m_topology(topology_under_test())
{
    std::string pattern = (std::filesystem::temp_directory_path() / "redops-target-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_dir = pattern;
    switch (m_topology) {
    case Topology::standalone: m_server.emplace(); break;
    case Topology::tls: m_server.emplace(ServerConfig{.tls = true}); break;
    case Topology::cluster: m_cluster.emplace(); break;
    }
}

TestTarget::~TestTarget()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
}

std::vector<std::string> TestTarget::args() const
{
    if (m_cluster) {
        return {"--cluster", "--url", m_cluster->seed_url()};
    }
    if (m_topology == Topology::tls) {
        return {"--url", m_server->url(), "--cacert", (m_server->dir() / "ca.crt").string()};
    }
    return {"--url", m_server->url()};
}

ProcessResult TestTarget::redops(const std::vector<std::string>& command, const RunOptions& options) const
{
    std::vector<std::string> all = args();
    all.insert(all.end(), command.begin(), command.end());
    return run_redops(all, options);
}

redis::Client& TestTarget::client()
{
    if (!m_client) {
        if (m_cluster) {
            m_client = std::make_unique<redis::ClusterClient>(m_cluster->options(m_cluster->primary_ports().front()));
        } else {
            m_client = std::make_unique<redis::StandaloneClient>(m_server->options());
        }
    }
    return *m_client;
}

long long TestTarget::count_existing(const std::vector<std::string>& keys)
{
    std::vector<redis::Command> commands;
    for (const auto& key : keys) {
        commands.push_back(redis::cmd("EXISTS", key));
    }
    long long total = 0;
    for (const auto& reply : client().pipeline(commands)) {
        total += reply.check().integer;
    }
    return total;
}

long long TestTarget::key_count()
{
    long long total = 0;
    client().for_each_primary(
        [&](redis::Connection& connection) { total += connection.call(redis::cmd("DBSIZE")).integer; });
    return total;
}

} // namespace redops::test
