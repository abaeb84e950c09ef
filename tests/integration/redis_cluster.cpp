#include "redis_cluster.h"

#include "process.h"
#include "topology_probe.h"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace redops::test {

namespace {

constexpr int k_node_count = 6;
constexpr auto k_create_timeout = std::chrono::milliseconds(20'000);
constexpr auto k_settle_timeout = std::chrono::milliseconds(20'000);
constexpr int k_migrate_batch = 100;

// The primary owning `slot` in this node's view of the slot map; 0 when unassigned.
int owner_in(redis::Connection& connection, int slot)
{
    const auto slots = connection.call(redis::cmd("CLUSTER", "SLOTS"));
    for (const auto& range : slots.as_array("CLUSTER SLOTS")) {
        const auto& fields = range.as_array("CLUSTER SLOTS range");
        if (fields.size() >= 3 && fields[0].as_integer("slot") <= slot && slot <= fields[1].as_integer("slot")) {
            return static_cast<int>(fields[2].as_array("CLUSTER SLOTS node").at(1).as_integer("port"));
        }
    }
    return 0;
}

// Why this node's view of the cluster is not complete yet; "" when it is.
std::string unsettled_view(redis::Connection& connection)
{
    const redis::Command info = redis::cmd("CLUSTER", "INFO");
    if (auto state = info_field(connection, info, "cluster_state"); state != "ok") {
        return "cluster_state:" + state;
    }
    if (auto slots = info_field(connection, info, "cluster_slots_ok"); slots != std::to_string(RedisCluster::k_slots)) {
        return "cluster_slots_ok:" + slots;
    }
    int masters = 0;
    int replicas = 0;
    std::istringstream nodes(connection.call(redis::cmd("CLUSTER", "NODES")).as_string("CLUSTER NODES"));
    for (std::string line; std::getline(nodes, line);) {
        std::istringstream fields(line);
        std::string id;
        std::string address;
        std::string flags;
        fields >> id >> address >> flags;
        if (flags.find("fail") != std::string::npos || flags.find("handshake") != std::string::npos ||
            flags.find("noaddr") != std::string::npos) {
            return fmt::format("node {} is {}", address, flags);
        }
        masters += flags.find("master") != std::string::npos ? 1 : 0;
        replicas += flags.find("slave") != std::string::npos ? 1 : 0;
    }
    if (masters != k_node_count / 2 || replicas != k_node_count / 2) {
        return fmt::format("knows {} masters and {} replicas", masters, replicas);
    }
    return "";
}

} // namespace

RedisCluster::RedisCluster()
{
    const Stopwatch stopwatch;
    for (int i = 0; i < k_node_count; ++i) {
        std::vector<std::string> args{"--cluster-enabled",      "yes", "--cluster-config-file", "nodes.conf",
                                      "--cluster-node-timeout", "1000"};
        auto common = topology_node_args();
        args.insert(args.end(), common.begin(), common.end());
        m_nodes.push_back(
            std::make_unique<RedisServer>(ServerConfig{.extra_args = std::move(args), .pick_cluster_port = true}));
    }
    create();
    wait_until_settled();
    m_start_up = stopwatch.elapsed();
}

void RedisCluster::create() const
{
    std::vector<std::string> argv{"redis-cli", "--cluster", "create"};
    for (int port : ports()) {
        argv.push_back(fmt::format("127.0.0.1:{}", port));
    }
    argv.insert(argv.end(), {"--cluster-replicas", "1", "--cluster-yes"});
    auto result = run_process(argv, RunOptions{.timeout = k_create_timeout});
    if (result.exit_code != 0) {
        throw std::runtime_error(
            fmt::format("redis-cli --cluster create exited {}:\n{}{}", result.exit_code, result.out, result.err));
    }
}

void RedisCluster::wait_until_settled()
{
    wait_until("cluster ready (every node ok with all slots, every replica linked)", k_settle_timeout, [this] {
        std::vector<int> primaries;
        std::vector<int> replicas;
        for (int port : ports()) {
            auto connection = connect_local(port);
            if (auto why = unsettled_view(connection); !why.empty()) {
                return fmt::format("node {}: {}", port, why);
            }
            if (role_of(connection) == "master") {
                primaries.push_back(port);
                continue;
            }
            auto link = info_field(connection, redis::cmd("INFO", "replication"), "master_link_status");
            if (link != "up") {
                return fmt::format("replica {}: master_link_status:{}", port, link);
            }
            replicas.push_back(port);
        }
        m_primaries = std::move(primaries);
        m_replicas = std::move(replicas);
        return std::string{};
    });
}

std::string RedisCluster::seed_url() const
{
    return fmt::format("redis://127.0.0.1:{}", m_primaries.at(0));
}

std::vector<int> RedisCluster::ports() const
{
    std::vector<int> ports;
    for (const auto& n : m_nodes) {
        ports.push_back(n->port());
    }
    return ports;
}

const RedisServer& RedisCluster::node(int port) const
{
    auto it = std::find_if(m_nodes.begin(), m_nodes.end(), [port](const auto& n) { return n->port() == port; });
    if (it == m_nodes.end()) {
        throw std::invalid_argument(fmt::format("port {} is not a node of this cluster", port));
    }
    return **it;
}

void RedisCluster::stop_node(int port)
{
    for (auto& n : m_nodes) {
        if (n->port() == port) {
            n->stop();
            return;
        }
    }
    throw std::runtime_error(fmt::format("no cluster node on port {}", port));
}

redis::ConnectionOptions RedisCluster::options(int port) const
{
    return node(port).options();
}

std::string RedisCluster::node_id(int port) const
{
    auto connection = redis::Connection::open(options(port));
    return connection.call(redis::cmd("CLUSTER", "MYID")).as_string("CLUSTER MYID");
}

int RedisCluster::slot_of(const std::string& key) const
{
    auto connection = redis::Connection::open(options(m_primaries.at(0)));
    return static_cast<int>(connection.call(redis::cmd("CLUSTER", "KEYSLOT", key)).as_integer("CLUSTER KEYSLOT"));
}

int RedisCluster::port_for_slot(int slot) const
{
    auto connection = redis::Connection::open(options(m_primaries.at(0)));
    return owner_in(connection, slot);
}

void RedisCluster::begin_slot_migration(int slot, int from_port, int to_port)
{
    auto target = redis::Connection::open(options(to_port));
    target.call(redis::cmd("CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(from_port)));
    auto source = redis::Connection::open(options(from_port));
    source.call(redis::cmd("CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(to_port)));
}

size_t RedisCluster::migrate_keys(int slot, int from_port, int to_port) const
{
    auto source = redis::Connection::open(options(from_port));
    size_t moved = 0;
    while (true) {
        auto keys = source.call(redis::cmd("CLUSTER", "GETKEYSINSLOT", slot, k_migrate_batch))
                        .as_array("CLUSTER GETKEYSINSLOT");
        if (keys.empty()) {
            return moved;
        }
        auto migrate = redis::cmd("MIGRATE", "127.0.0.1", to_port, "", 0, 5000, "KEYS");
        for (const auto& key : keys) {
            migrate.args.push_back(key.as_string("key"));
        }
        source.call(migrate);
        moved += keys.size();
    }
}

void RedisCluster::finish_slot_migration(int slot, int to_port)
{
    // The target first: once it owns the slot, a client bounced there by the others is served, not looped.
    const std::string target_id = node_id(to_port);
    std::vector<int> order{to_port};
    std::copy_if(m_primaries.begin(), m_primaries.end(), std::back_inserter(order),
                 [to_port](int p) { return p != to_port; });
    for (int port : order) {
        auto connection = redis::Connection::open(options(port));
        connection.call(redis::cmd("CLUSTER", "SETSLOT", slot, "NODE", target_id));
    }
    wait_until(fmt::format("every node seeing slot {} on {}", slot, to_port), k_settle_timeout, [&] {
        for (int port : ports()) {
            auto connection = connect_local(port);
            if (int owner = owner_in(connection, slot); owner != to_port) {
                return fmt::format("node {} still sees it on {}", port, owner);
            }
        }
        return std::string{};
    });
}

} // namespace redops::test
