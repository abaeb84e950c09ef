#include "redis/cluster_client.h"

#include "common/error.h"
#include "redis/cluster_slot.h"

#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace redops::redis {

namespace {

bool is_retryable_cluster_error(const Reply& reply)
{
    // TRYAGAIN: a multi-key command met a slot half-way through migration; CLUSTERDOWN: a failover is under way.
    return reply.is_error() && (reply.str.rfind("TRYAGAIN", 0) == 0 || reply.str.rfind("CLUSTERDOWN", 0) == 0);
}

bool drops_connection(ErrorKind kind)
{
    return kind == ErrorKind::connection || kind == ErrorKind::timeout || kind == ErrorKind::tls ||
           kind == ErrorKind::protocol;
}

constexpr std::chrono::milliseconds k_retry_pause{100};

} // namespace

ClusterClient::ClusterClient(ConnectionOptions seed, std::optional<Connection> seed_connection)
    : m_seed(std::move(seed))
{
    // Cluster nodes have one database (the loader refuses another with --cluster, the handshake one it finds).
    if (seed_connection) {
        m_connections.emplace(m_seed.endpoint.describe(), std::make_unique<Connection>(std::move(*seed_connection)));
    }
    refresh_slots();
}

template <class Fn>
auto ClusterClient::on_node(const Endpoint& endpoint, Fn&& fn) -> decltype(fn(std::declval<Connection&>()))
{
    const std::string name = endpoint.describe();
    try {
        return fn(connection_to(endpoint));
    } catch (const ServerError&) {
        throw;
    } catch (const Error& e) {
        if (drops_connection(e.kind())) {
            m_connections.erase(name);
        }
        throw;
    }
}

ConnectionOptions ClusterClient::options_for(const Endpoint& endpoint) const
{
    ConnectionOptions options = m_seed;
    options.endpoint = endpoint;
    options.endpoint.unix_path.clear();
    return options;
}

Connection& ClusterClient::connection_to(const Endpoint& endpoint)
{
    auto& slot = m_connections[endpoint.describe()];
    if (!slot) {
        slot = std::make_unique<Connection>(Connection::open(options_for(endpoint)));
    }
    return *slot;
}

void ClusterClient::refresh_slots()
{
    std::vector<Endpoint> candidates{m_seed.endpoint};
    for (const auto& node : m_slots.nodes()) {
        candidates.push_back(node.endpoint);
    }
    std::vector<std::string> failures;
    for (const auto& endpoint : candidates) {
        try {
            Reply reply = on_node(endpoint, [](Connection& c) { return c.call_raw(cmd("CLUSTER", "SLOTS")); });
            if (reply.is_error()) {
                if (reply.str.find("cluster support disabled") != std::string::npos) {
                    throw Error(ErrorKind::config,
                                fmt::format("{} is not a cluster node (cluster support disabled)", endpoint.describe()),
                                Remedy::drop_cluster);
                }
                reply.check();
            }
            m_slots = SlotMap::from_cluster_slots(reply, endpoint.host);
            return;
        } catch (const Error& e) {
            if (!drops_connection(e.kind())) {
                throw;
            }
            failures.push_back(fmt::format("{}: {}", endpoint.describe(), e.what()));
        }
    }
    throw Error(ErrorKind::connection,
                fmt::format("no cluster node answered CLUSTER SLOTS ({})", fmt::join(failures, "; ")));
}

Endpoint ClusterClient::target_of(const Command& command)
{
    if (auto key = command.routing_key()) {
        if (auto owner = m_slots.owner(key_slot(*key))) {
            return *owner;
        }
    }
    // Keyless, or a slot nobody serves right now: any primary answers (the latter with CLUSTERDOWN).
    auto primaries = m_slots.primaries();
    return primaries.empty() ? m_seed.endpoint : primaries.front();
}

Reply ClusterClient::execute(const Command& command, Endpoint target, std::optional<Reply> first_reply)
{
    bool asking = false;
    bool refreshed = false;
    Reply reply;
    for (int attempt = 0;; ++attempt) {
        if (attempt > 0 || !first_reply) {
            reply = on_node(target, [&](Connection& c) {
                // ASKING holds for the next command only, so both travel in one write.
                return asking ? std::move(c.pipeline({cmd("ASKING"), command}).back()) : c.call_raw(command);
            });
        } else {
            reply = std::move(*first_reply);
        }
        auto redirect = parse_redirect(reply, target.host);
        if (!redirect && !is_retryable_cluster_error(reply)) {
            return reply;
        }
        if (attempt >= k_max_redirects) {
            throw Error(ErrorKind::server, fmt::format("{}: gave up after {} redirects or retries (last reply: {})",
                                                       command.name(), k_max_redirects, reply.str));
        }
        if (!redirect) {
            std::this_thread::sleep_for(k_retry_pause); // same node, same ASKING: only time changes
            continue;
        }
        target = redirect->target;
        asking = redirect->kind == Redirect::Kind::ask;
        if (redirect->kind == Redirect::Kind::moved) {
            // MOVED means the map is out of date (resharding, failover): learn this slot now, the rest once.
            m_slots.set_owner(redirect->slot, redirect->target);
            if (!refreshed) {
                refreshed = true;
                refresh_slots();
            }
        }
    }
}

Reply ClusterClient::call(const Command& command)
{
    Reply reply;
    try {
        reply = execute(command, target_of(command), std::nullopt);
    } catch (const Error& e) {
        if (!drops_connection(e.kind())) {
            throw;
        }
        // The node may have failed over: ask the cluster who serves the slot now and try once more.
        Endpoint before = target_of(command);
        refresh_slots();
        Endpoint after = target_of(command);
        if (after.describe() == before.describe()) {
            throw;
        }
        reply = execute(command, after, std::nullopt);
    }
    reply.check();
    return reply;
}

std::vector<Reply> ClusterClient::pipeline(const std::vector<Command>& commands)
{
    // One pipeline per node, replies put back in the callers' order.
    std::map<std::string, std::pair<Endpoint, std::vector<std::size_t>>> by_node;
    std::vector<Endpoint> targets;
    targets.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        targets.push_back(target_of(commands[i]));
        auto& group = by_node[targets.back().describe()];
        group.first = targets.back();
        group.second.push_back(i);
    }
    std::vector<Reply> replies(commands.size());
    for (auto& [name, group] : by_node) {
        std::vector<Command> batch;
        batch.reserve(group.second.size());
        for (std::size_t index : group.second) {
            batch.push_back(commands[index]);
        }
        std::vector<Reply> answered = on_node(group.first, [&](Connection& c) { return c.pipeline(batch); });
        for (std::size_t j = 0; j < answered.size(); ++j) {
            replies[group.second[j]] = std::move(answered[j]);
        }
    }
    // Redirected commands (a slot moved or migrating) follow their redirect one by one.
    for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_error() &&
            (parse_redirect(replies[i], targets[i].host) || is_retryable_cluster_error(replies[i]))) {
            replies[i] = execute(commands[i], targets[i], std::move(replies[i]));
        }
    }
    return replies;
}

void ClusterClient::for_each_primary(const std::function<void(Connection&)>& fn)
{
    for (const auto& primary : m_slots.primaries()) {
        on_node(primary, fn);
    }
}

std::vector<NodeAddress> ClusterClient::nodes()
{
    // CLUSTER NODES rather than the slot map: it lists a replica before its replication offset has been
    // gossiped, and a failed node at all, so ping and monitor report what is really there.
    std::vector<ClusterNode> listed;
    for (const auto& primary : m_slots.primaries()) {
        try {
            Reply reply = on_node(primary, [](Connection& c) { return c.call(cmd("CLUSTER", "NODES")); });
            listed = parse_cluster_nodes(reply.as_string("CLUSTER NODES"), primary.host);
            break;
        } catch (const Error& e) {
            if (!drops_connection(e.kind())) {
                throw;
            }
        }
    }
    if (listed.empty()) {
        listed = m_slots.nodes();
    }
    std::vector<NodeAddress> result;
    for (const auto& node : listed) {
        std::string role = !node.primary ? "replica" : node.slotless ? "master (no slots)" : "master";
        result.push_back(NodeAddress{options_for(node.endpoint), std::move(role)});
    }
    return result;
}

void ClusterClient::with_node(const NodeAddress& node, const std::function<void(Connection&)>& fn)
{
    on_node(node.options.endpoint, fn);
}

} // namespace redops::redis
