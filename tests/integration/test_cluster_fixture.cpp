// The RedisCluster fixture itself: 6 nodes in the right roles, every slot served, and a slot migration that moves keys.
#include "redis_cluster.h"
#include "topology_probe.h"

#include "redis/connection.h"

#include <catch2/catch.hpp>
#include <set>

using redops::redis::cmd;
using redops::redis::Connection;
using redops::test::RedisCluster;

namespace {

std::string replica_of(Connection& replica)
{
    const auto reply = replica.call(cmd("ROLE"));
    const auto& role = reply.as_array("ROLE");
    return role.at(0).str == "slave" ? role.at(1).str + ":" + std::to_string(role.at(2).integer) : "";
}

} // namespace

TEST_CASE("cluster fixture: 3 primaries and 3 linked replicas serve every slot", "[cluster][topology]")
{
    RedisCluster cluster;
    INFO("cluster start-up " << cluster.start_up().count() << " ms"); // run with -s to see it
    CHECK(cluster.start_up() < redops::test::k_topology_start_up_limit);
    const auto ports = cluster.ports();
    REQUIRE(ports.size() == 6);
    CHECK(std::set<int>(ports.begin(), ports.end()).size() == 6);
    REQUIRE(cluster.primary_ports().size() == 3);
    REQUIRE(cluster.replica_ports().size() == 3);
    CHECK(cluster.seed_url() == "redis://127.0.0.1:" + std::to_string(cluster.primary_ports()[0]));

    std::set<std::string> replicated;
    for (int port : cluster.replica_ports()) {
        auto replica = Connection::open(cluster.options(port));
        CHECK(replica.server().role == "replica");
        replicated.insert(replica_of(replica));
    }
    // Every primary has its own replica.
    CHECK(replicated.size() == 3);
    for (int port : cluster.ports()) {
        auto node = Connection::open(cluster.options(port));
        auto info = node.call(cmd("CLUSTER", "INFO")).str;
        CHECK(info.find("cluster_state:ok") != std::string::npos);
        CHECK(info.find("cluster_slots_ok:16384") != std::string::npos);
    }

    // Slots are split between all three primaries, first and last included.
    std::set<int> owners;
    for (int slot : {0, 8000, RedisCluster::k_slots - 1}) {
        owners.insert(cluster.port_for_slot(slot));
    }
    CHECK(owners == std::set<int>(cluster.primary_ports().begin(), cluster.primary_ports().end()));
}

TEST_CASE("cluster fixture: keys live on their slot's owner and move with a slot migration", "[cluster][topology]")
{
    RedisCluster cluster;
    const std::string key = "fixture:key";
    const int slot = cluster.slot_of(key);
    const int owner = cluster.port_for_slot(slot);
    REQUIRE(owner != 0);
    auto at_owner = Connection::open(cluster.options(owner));
    at_owner.call(cmd("SET", key, "here"));
    CHECK(at_owner.call(cmd("GET", key)).str == "here");
    const int other = cluster.primary_ports()[0] == owner ? cluster.primary_ports()[1] : cluster.primary_ports()[0];
    auto at_other = Connection::open(cluster.options(other));
    auto moved = at_other.call_raw(cmd("GET", key));
    CHECK(moved.str == "MOVED " + std::to_string(slot) + " 127.0.0.1:" + std::to_string(owner));

    // More keys than one GETKEYSINSLOT batch, all in one slot through a hash tag.
    const int tagged_slot = cluster.slot_of("{mig}");
    const int from = cluster.port_for_slot(tagged_slot);
    const int to = cluster.primary_ports()[0] == from ? cluster.primary_ports()[1] : cluster.primary_ports()[0];
    auto source = Connection::open(cluster.options(from));
    std::vector<redops::redis::Command> writes;
    for (int i = 0; i < 250; ++i) {
        writes.push_back(cmd("SET", "{mig}:" + std::to_string(i), std::to_string(i)));
    }
    source.pipeline(writes);
    REQUIRE(source.call(cmd("CLUSTER", "COUNTKEYSINSLOT", tagged_slot)).integer == 250);

    cluster.begin_slot_migration(tagged_slot, from, to);
    // While migrating, the source sends clients for keys it no longer has to the target.
    CHECK(source.call_raw(cmd("GET", "{mig}:absent")).str ==
          "ASK " + std::to_string(tagged_slot) + " 127.0.0.1:" + std::to_string(to));
    CHECK(cluster.migrate_keys(tagged_slot, from, to) == 250);
    cluster.finish_slot_migration(tagged_slot, to);

    CHECK(cluster.port_for_slot(tagged_slot) == to);
    CHECK(source.call(cmd("CLUSTER", "COUNTKEYSINSLOT", tagged_slot)).integer == 0);
    auto target = Connection::open(cluster.options(to));
    CHECK(target.call(cmd("CLUSTER", "COUNTKEYSINSLOT", tagged_slot)).integer == 250);
    CHECK(target.call(cmd("GET", "{mig}:249")).str == "249");
    CHECK(source.call_raw(cmd("GET", "{mig}:249")).str ==
          "MOVED " + std::to_string(tagged_slot) + " 127.0.0.1:" + std::to_string(to));
}
