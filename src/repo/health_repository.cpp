#include "repo/health_repository.h"
#include "common/clock.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>

namespace redops::repo {

namespace {

using Clock = std::chrono::steady_clock;

double timed_ping_ms(redis::Connection& connection)
{
    auto start = Clock::now();
    connection.call(redis::cmd("PING"));
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// INFO says only cluster_enabled; whether a node serves queries ("ok" / "fail") is in CLUSTER INFO.
std::string cluster_state_of(redis::Connection& connection)
{
    if (connection.server().mode != "cluster") {
        return {};
    }
    for (const auto& [name, value] :
         redis::parse_info(connection.call(redis::cmd("CLUSTER", "INFO")).as_string("CLUSTER INFO"))) {
        if (name == "cluster_state") {
            return value;
        }
    }
    return {};
}

// A replica's link to its master, from INFO replication (a replica cut off from its master serves stale data).
void replica_link_of(redis::Connection& connection, NodePing& result)
{
    if (result.role != "replica" && result.role != "slave") {
        return;
    }
    HealthSample s;
    apply_info(s, redis::parse_info(connection.call(redis::cmd("INFO", "replication")).as_string("INFO replication")));
    result.master_link_status = s.master_link_status.empty() ? "unknown" : s.master_link_status;
    result.master = s.master_host.empty() ? std::string() : s.master_host + ":" + s.master_port;
}

void ping_node(redis::Connection& connection, int count, std::chrono::milliseconds interval, NodePing& result)
{
    result.role = connection.server().role;
    result.version = connection.server().version;
    result.mode = connection.server().mode;
    result.cluster_state = cluster_state_of(connection);
    replica_link_of(connection, result);
    double total = 0;
    for (int i = 0; i < count; ++i) {
        if (i > 0) {
            std::this_thread::sleep_for(interval);
        }
        double ms = timed_ping_ms(connection);
        result.min_ms = i == 0 ? ms : std::min(result.min_ms, ms);
        result.max_ms = std::max(result.max_ms, ms);
        total += ms;
        result.samples = i + 1;
    }
    result.avg_ms = result.samples > 0 ? total / result.samples : 0;
    result.reachable = true;
}

HealthSample sample_node(redis::Connection& connection)
{
    HealthSample s;
    s.time_ms = now_ms();
    s.latency_ms = timed_ping_ms(connection);
    apply_info(s, redis::parse_info(connection.call(redis::cmd("INFO")).as_string("INFO")));
    s.cluster_state = cluster_state_of(connection);
    return s;
}

} // namespace

std::vector<NodePing> HealthRepository::ping(int count, std::chrono::milliseconds interval)
{
    std::vector<redis::NodeAddress> nodes = m_client.nodes();
    std::vector<NodePing> results;
    for (const auto& node : nodes) {
        NodePing result;
        result.address = node.options.endpoint.describe();
        result.role = node.role;
        try {
            m_client.with_node(node,
                               [&](redis::Connection& connection) { ping_node(connection, count, interval, result); });
        } catch (const Error& error) {
            if (nodes.size() == 1) {
                throw;
            }
            result.reachable = false;
            result.error_kind = error.kind();
            result.error = error.what();
        }
        results.push_back(std::move(result));
    }
    return results;
}

HealthSample HealthRepository::sample()
{
    std::vector<redis::NodeAddress> nodes = m_client.nodes();
    if (nodes.size() == 1) {
        HealthSample s;
        m_client.with_node(nodes.front(), [&](redis::Connection& connection) { s = sample_node(connection); });
        s.address = nodes.front().options.endpoint.describe();
        return s;
    }
    std::vector<HealthSample> samples;
    for (const auto& node : nodes) {
        HealthSample s;
        try {
            m_client.with_node(node, [&](redis::Connection& connection) { s = sample_node(connection); });
        } catch (const Error& e) {
            s.error = e.what();
            s.role = node.role;
        }
        s.address = node.options.endpoint.describe();
        samples.push_back(std::move(s));
    }
    return aggregate_nodes(std::move(samples), now_ms());
}

std::optional<long long> HealthRepository::free_client_slots()
{
    std::optional<long long> fewest;
    m_client.for_each_primary([&](redis::Connection& connection) {
        std::optional<long long> max_clients;
        long long connected = 0;
        for (const auto& [name, value] :
             redis::parse_info(connection.call(redis::cmd("INFO", "clients")).as_string("INFO clients"))) {
            long long number = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
            if (ec != std::errc() || end != value.data() + value.size() || number < 0) {
                continue;
            }
            if (name == "maxclients") {
                max_clients = number;
            } else if (name == "connected_clients") {
                connected = number;
            }
        }
        if (max_clients) {
            long long free = std::max(0LL, *max_clients - connected);
            fewest = fewest ? std::min(*fewest, free) : free;
        }
    });
    return fewest;
}

} // namespace redops::repo
