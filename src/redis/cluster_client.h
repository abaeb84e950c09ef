// A Redis Cluster behind the Client interface: routes each command to the primary serving its key's slot.
#pragma once

#include "redis/client.h"
#include "redis/cluster_map.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redops::redis {

class ClusterClient : public Client {
public:
    // Discovers the slot map from `seed` (CLUSTER SLOTS). `seed_connection`, when given, is an already open
    // connection to the seed node and is reused. Every node is reached with the seed's options (auth, TLS,
    // timeouts) at its own address, connected on first use.
    explicit ClusterClient(ConnectionOptions seed, std::optional<Connection> seed_connection = std::nullopt);

    Reply call(const Command& command) override;
    std::vector<Reply> pipeline(const std::vector<Command>& commands) override;
    void for_each_primary(const std::function<void(Connection&)>& fn) override;
    std::vector<NodeAddress> nodes() override;
    void with_node(const NodeAddress& node, const std::function<void(Connection&)>& fn) override;
    std::string topology() const override { return "cluster"; }

    // How many redirects one command may follow before it is reported as an error.
    static constexpr int k_max_redirects = 5;

private:
    // Where a command goes first: the owner of its key's slot, or any primary for keyless commands.
    Endpoint target_of(const Command& command);
    // Sends one command to `target`, following MOVED/ASK; returns the final reply, errors included.
    Reply execute(const Command& command, Endpoint target, std::optional<Reply> first_reply);
    Connection& connection_to(const Endpoint& endpoint);
    ConnectionOptions options_for(const Endpoint& endpoint) const;
    // Re-reads CLUSTER SLOTS from the first node that answers (the seed, then every known node).
    void refresh_slots();
    // Runs fn on the node's connection; a connection that failed is dropped so the next use reconnects.
    template <class Fn>
    auto on_node(const Endpoint& endpoint, Fn&& fn) -> decltype(fn(std::declval<Connection&>()));

    ConnectionOptions m_seed;
    SlotMap m_slots;
    std::map<std::string, std::unique_ptr<Connection>> m_connections; // by "host:port"
};

} // namespace redops::redis
