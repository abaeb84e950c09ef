// What the topology fixtures (cluster, sentinel set) share: bounded polling and reading a node's state.
#pragma once

#include "redis/connection.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::test {

// Issue 8: topology fixtures must come up well within this.
inline constexpr std::chrono::milliseconds k_topology_start_up_limit{30'000};

// Milliseconds since construction, for fixtures that report their own start-up time.
class Stopwatch {
public:
    std::chrono::milliseconds elapsed() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_started);
    }

private:
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

// redis-server arguments for the data nodes of a topology: a replica syncs at once (no diskless delay), and
// SIGTERM stops a primary without waiting for its replicas to catch up.
std::vector<std::string> topology_node_args();

// Calls `not_ready` every few milliseconds until it returns "" (ready). After `limit` throws std::runtime_error
// naming `what` and the last reason it gave, so a start-up that hangs says which node is not there yet.
// An exception from `not_ready` (a node not listening yet) counts as not ready, its message as the reason.
void wait_until(std::string_view what, std::chrono::milliseconds limit, const std::function<std::string()>& not_ready);

// A connection to a password-less node on 127.0.0.1 (fixtures' nodes have none).
redis::Connection connect_local(int port);

// One "field:value" of an INFO-shaped reply (INFO <section>, CLUSTER INFO); "" when absent.
std::string info_field(redis::Connection& connection, const redis::Command& command, std::string_view field);

// The first element of ROLE: "master", "slave" or "sentinel".
std::string role_of(redis::Connection& connection);

} // namespace redops::test
