#include "redis_sentinel_set.h"

#include "topology_probe.h"

#include <fmt/format.h>
#include <stdexcept>

namespace redops::test {

namespace {

constexpr int k_sentinel_count = 3;
constexpr auto k_ready_timeout = std::chrono::milliseconds(20'000);
constexpr auto k_failover_timeout = std::chrono::milliseconds(30'000);

// One field of a SENTINEL REPLICAS / SENTINELS entry (a flat name, value, name, value ... array in RESP2).
std::string entry_field(const redis::Reply& entry, std::string_view name)
{
    const auto& fields = entry.as_array("SENTINEL entry");
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].as_string("SENTINEL entry") == name) {
            return fields[i + 1].as_string("SENTINEL entry");
        }
    }
    return "";
}

// How many entries of a SENTINEL REPLICAS / SENTINELS reply are healthy (no s_down, o_down, disconnected flag).
size_t healthy_entries(redis::Connection& sentinel, const char* what)
{
    size_t healthy = 0;
    const auto entries = sentinel.call(redis::cmd("SENTINEL", what, RedisSentinelSet::k_master_name));
    for (const auto& entry : entries.as_array("SENTINEL entries")) {
        auto flags = entry_field(entry, "flags");
        healthy += flags.find("down") == std::string::npos && flags.find("disconnected") == std::string::npos ? 1 : 0;
    }
    return healthy;
}

int primary_named_by(redis::Connection& sentinel)
{
    auto address = sentinel.call(redis::cmd("SENTINEL", "GET-MASTER-ADDR-BY-NAME", RedisSentinelSet::k_master_name))
                       .as_array("SENTINEL GET-MASTER-ADDR-BY-NAME");
    return address.size() == 2 ? std::stoi(address[1].as_string("port")) : 0;
}

} // namespace

RedisSentinelSet::RedisSentinelSet()
{
    const Stopwatch stopwatch;
    m_data_nodes.push_back(std::make_unique<RedisServer>(ServerConfig{.extra_args = topology_node_args()}));
    const int primary = m_data_nodes.front()->port();
    auto replica_args = topology_node_args();
    replica_args.insert(replica_args.end(), {"--replicaof", "127.0.0.1", std::to_string(primary)});
    m_data_nodes.push_back(std::make_unique<RedisServer>(ServerConfig{.extra_args = std::move(replica_args)}));
    const int replica = m_data_nodes.back()->port();
    // Sentinels learn of replicas from the primary's INFO; with the link up they see it on their first look.
    wait_until("replica linked to the primary", k_ready_timeout, [replica] {
        auto connection = connect_local(replica);
        auto link = info_field(connection, redis::cmd("INFO", "replication"), "master_link_status");
        return link == "up" ? "" : "master_link_status:" + link;
    });

    for (int i = 0; i < k_sentinel_count; ++i) {
        m_sentinels.push_back(
            std::make_unique<RedisServer>(ServerConfig{.sentinel_for = primary, .sentinel_quorum = 2}));
    }
    // Sentinels find each other through hello messages on the primary, sent every 2 s.
    wait_until("sentinels seeing the replica and each other", k_ready_timeout, [this] {
        for (int port : sentinel_ports()) {
            auto sentinel = connect_local(port);
            if (auto replicas = healthy_entries(sentinel, "REPLICAS"); replicas != 1) {
                return fmt::format("sentinel {} sees {} replicas", port, replicas);
            }
            if (auto others = healthy_entries(sentinel, "SENTINELS"); others != k_sentinel_count - 1) {
                return fmt::format("sentinel {} sees {} other sentinels", port, others);
            }
        }
        return std::string{};
    });
    m_start_up = stopwatch.elapsed();
}

std::vector<int> RedisSentinelSet::sentinel_ports() const
{
    std::vector<int> ports;
    for (const auto& s : m_sentinels) {
        ports.push_back(s->port());
    }
    return ports;
}

std::vector<int> RedisSentinelSet::data_ports() const
{
    return {m_data_nodes[0]->port(), m_data_nodes[1]->port()};
}

int RedisSentinelSet::primary_port() const
{
    auto sentinel = connect_local(m_sentinels.front()->port());
    return primary_named_by(sentinel);
}

int RedisSentinelSet::failover()
{
    const int old_primary = primary_port();
    const int next = data_ports()[0] == old_primary ? data_ports()[1] : data_ports()[0];
    auto sentinel = connect_local(m_sentinels.front()->port());
    sentinel.call(redis::cmd("SENTINEL", "FAILOVER", k_master_name));
    wait_until(fmt::format("failover from {} to {}", old_primary, next), k_failover_timeout, [&] {
        for (int port : sentinel_ports()) {
            auto s = connect_local(port);
            if (int named = primary_named_by(s); named != next) {
                return fmt::format("sentinel {} names {} as primary", port, named);
            }
        }
        auto promoted = connect_local(next);
        auto role = role_of(promoted);
        return role == "master" ? std::string{} : fmt::format("{} has ROLE {}", next, role);
    });
    return next;
}

} // namespace redops::test
