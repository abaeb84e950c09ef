#include "topology_probe.h"

#include <fmt/format.h>
#include <stdexcept>
#include <thread>

namespace redops::test {

std::vector<std::string> topology_node_args()
{
    return {"--repl-diskless-sync-delay", "0", "--shutdown-on-sigterm", "now"};
}

void wait_until(std::string_view what, std::chrono::milliseconds limit, const std::function<std::string()>& not_ready)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string reason;
    while (true) {
        try {
            reason = not_ready();
        } catch (const std::exception& e) {
            reason = e.what();
        }
        if (reason.empty()) {
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error(fmt::format("{} not reached within {} ms: {}", what, limit.count(), reason));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
}

redis::Connection connect_local(int port)
{
    redis::ConnectionOptions options;
    options.endpoint.host = "127.0.0.1";
    options.endpoint.port = port;
    options.connect_timeout = std::chrono::milliseconds(500);
    options.command_timeout = std::chrono::milliseconds(2000);
    options.client_name = "redops-test-fixture";
    return redis::Connection::open(options);
}

std::string info_field(redis::Connection& connection, const redis::Command& command, std::string_view field)
{
    for (auto& [name, value] : redis::parse_info(connection.call(command).as_string(command.name()))) {
        if (name == field) {
            return value;
        }
    }
    return "";
}

std::string role_of(redis::Connection& connection)
{
    const auto reply = connection.call(redis::cmd("ROLE"));
    const auto& role = reply.as_array("ROLE");
    return role.empty() ? "" : role.front().as_string("ROLE");
}

} // namespace redops::test
