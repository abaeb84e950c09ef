// The Redis client repositories talk to: routes commands to the right node of whatever topology is behind it.
#pragma once

#include "redis/command.h"
#include "redis/connection.h"
#include "redis/options.h"
#include "redis/reply.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace redops::redis {

// A node the client knows about, for commands that report per node (ping, monitor).
struct NodeAddress {
    ConnectionOptions options; // how to reach this node
    std::string role;          // as the topology reports it: master / replica
};

class Client {
public:
    virtual ~Client() = default;

    // One command routed by its key; error replies are thrown as ServerError.
    virtual Reply call(const Command& command) = 0;
    // Many commands; replies come back in the order of `commands`, error replies returned, not thrown.
    virtual std::vector<Reply> pipeline(const std::vector<Command>& commands) = 0;
    // Runs fn on a connection to every primary, for keyspace-wide work like SCAN.
    virtual void for_each_primary(const std::function<void(Connection&)>& fn) = 0;
    // Every node behind this client (standalone: one), without connecting to them.
    virtual std::vector<NodeAddress> nodes() = 0;
    // Runs fn on a connection to that node (opened on demand, reused by the client where it can).
    virtual void with_node(const NodeAddress& node, const std::function<void(Connection&)>& fn) = 0;
    // "standalone", "cluster" or "sentinel"
    virtual std::string topology() const = 0;
};

// A single Redis server over one connection, opened lazily on first use.
class StandaloneClient : public Client {
public:
    explicit StandaloneClient(ConnectionOptions options, std::string topology = "standalone")
        : m_options(std::move(options)), m_topology(std::move(topology))
    {
    }
    // Adopts a connection already open to that server (e.g. the one that told us it is not a cluster node).
    StandaloneClient(ConnectionOptions options, Connection connection)
        : m_options(std::move(options)), m_topology("standalone"),
          m_connection(std::make_unique<Connection>(std::move(connection)))
    {
    }

    Reply call(const Command& command) override;
    std::vector<Reply> pipeline(const std::vector<Command>& commands) override;
    void for_each_primary(const std::function<void(Connection&)>& fn) override;
    std::vector<NodeAddress> nodes() override;
    void with_node(const NodeAddress& node, const std::function<void(Connection&)>& fn) override;
    std::string topology() const override { return m_topology; }

    Connection& connection();

private:
    ConnectionOptions m_options;
    std::string m_topology;
    std::unique_ptr<Connection> m_connection;
};

} // namespace redops::redis
