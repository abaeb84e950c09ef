#include "repo/health_repository.h"

#include <algorithm>
#include <thread>

namespace redops::repo {

namespace {

void ping_node(redis::Connection& connection, int count, std::chrono::milliseconds interval, NodePing& result)
{
    using Clock = std::chrono::steady_clock;
    result.role = connection.server().role;
    result.version = connection.server().version;
    result.mode = connection.server().mode;
    double total = 0;
    for (int i = 0; i < count; ++i) {
        if (i > 0) {
            std::this_thread::sleep_for(interval);
        }
        auto start = Clock::now();
        connection.call(redis::cmd("PING"));
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        result.min_ms = i == 0 ? ms : std::min(result.min_ms, ms);
        result.max_ms = std::max(result.max_ms, ms);
        total += ms;
        result.samples = i + 1;
    }
    result.avg_ms = result.samples > 0 ? total / result.samples : 0;
    result.reachable = true;
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
            m_client.with_node(node, [&](redis::Connection& connection) {
                ping_node(connection, count, interval, result);
            });
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

} // namespace redops::repo
