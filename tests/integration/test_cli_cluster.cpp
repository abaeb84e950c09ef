// redops against a 6-node Redis Cluster: every node pinged and sampled, slots followed through a resharding.
#include "process.h"
#include "redis/cluster_client.h"
#include "redis/cluster_slot.h"
#include "redis/command.h"
#include "redis_cluster.h"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

using redops::redis::cmd;
using redops::test::RedisCluster;
using redops::test::run_redops;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string payload(const std::string& token)
{
    return json{{"token", token}, {"expiresAt", 4'102'444'800'000LL}, {"cachedAt", 1'763'800'000'000LL}}.dump();
}

// A primary other than the one at `port`.
int other_primary(const RedisCluster& cluster, int port)
{
    for (int candidate : cluster.primary_ports()) {
        if (candidate != port) {
            return candidate;
        }
    }
    throw std::runtime_error("the cluster has one primary");
}

} // namespace

TEST_CASE("cluster: ping reports all six nodes with their roles and cluster_state", "[cli][cluster][topology]")
{
    RedisCluster cluster;
    for (bool explicit_flag : {true, false}) {
        std::vector<std::string> args{"--url", cluster.seed_url(), "ping", "--json"};
        if (explicit_flag) {
            args.insert(args.begin(), "--cluster");
        }
        auto r = run_redops(args);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        json doc = json::parse(r.out);
        CHECK(doc["topology"] == "cluster");
        REQUIRE(doc["nodes"].size() == 6);
        int primaries = 0;
        for (const auto& node : doc["nodes"]) {
            CHECK(node["reachable"] == true);
            CHECK(node["cluster_state"] == "ok");
            primaries += node["role"] == "master" ? 1 : 0;
        }
        CHECK(primaries == 3);
    }
    auto table = run_redops({"--cluster", "--url", cluster.seed_url(), "ping"});
    CHECK(table.exit_code == 0);
    CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 7);

    auto other_db = run_redops({"--cluster", "--url", cluster.seed_url() + "/2", "ping"});
    CHECK(other_db.exit_code == 2);
    CHECK(other_db.err.find("only database 0") != std::string::npos);
}

TEST_CASE("cluster: monitor aggregates one sample over every node", "[cli][cluster][monitor][topology]")
{
    RedisCluster cluster;
    auto r = run_redops({"--cluster", "--url", cluster.seed_url(), "monitor", "--once", "-o", "json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["healthy"] == true);
    CHECK(doc["role"] == "cluster");
    CHECK(doc["cluster_state"] == "ok");
    REQUIRE(doc["nodes"].size() == 6);
    for (const auto& node : doc["nodes"]) {
        CHECK(node["healthy"] == true);
        CHECK(node["address"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
    }

    auto prometheus = run_redops(
        {"--cluster", "--url", cluster.seed_url(), "monitor", "--once", "--format", "prometheus"});
    CHECK(prometheus.exit_code == 0);
    CHECK(prometheus.out.find("redops_node_up{node=\"127.0.0.1:") != std::string::npos);
}

TEST_CASE("cluster: token get keeps answering while its slot migrates (ASK then MOVED)", "[cli][cluster][topology]")
{
    RedisCluster cluster;
    const std::string key = "auth:token:genesys:acme";
    const int slot = redops::redis::key_slot(key);
    const int from = cluster.port_for_slot(slot);
    const int to = other_primary(cluster, from);
    redops::redis::ClusterClient seeding(cluster.options(from));
    seeding.call(cmd("SET", key, payload("tok-acme")));

    // A client made before the migration: its slot map goes stale, so it must follow ASK and then MOVED.
    redops::redis::ClusterClient stale(cluster.options(to));
    std::atomic<bool> stop{false};
    std::atomic<int> runs{0};
    std::vector<std::string> failures;
    std::thread looper([&] {
        while (!stop) {
            auto r = run_redops({"--cluster", "--url", cluster.seed_url(), "token", "get", "--provider", "genesys",
                                 "--tenant", "acme", "--json"});
            if (r.exit_code != 0) {
                failures.push_back(r.out + r.err);
            }
            ++runs;
        }
    });
    // Each phase is checked in step (the stale client and one redops run), and the looper adds concurrency.
    auto check_stale = [&] {
        CHECK(json::parse(stale.call(cmd("GET", key)).str)["token"] == "tok-acme");
        auto r = run_redops({"--cluster", "--url", cluster.seed_url(), "token", "get", "--provider", "genesys",
                             "--tenant", "acme", "--json"});
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
    };

    check_stale();
    cluster.begin_slot_migration(slot, from, to);
    std::this_thread::sleep_for(300ms);
    check_stale();
    cluster.migrate_keys(slot, from, to); // the key now lives on `to`, `from` answers ASK
    std::this_thread::sleep_for(300ms);
    check_stale();
    auto ask = redops::redis::Connection::open(cluster.options(from)).call_raw(cmd("GET", key));
    CHECK(ask.str.rfind("ASK", 0) == 0);
    cluster.finish_slot_migration(slot, to); // now MOVED for everyone who still asks `from`
    std::this_thread::sleep_for(300ms);
    check_stale();
    stop = true;
    looper.join();

    INFO((failures.empty() ? std::string() : failures.front()));
    CHECK(failures.empty());
    CHECK(runs >= 1);
    CHECK(cluster.port_for_slot(slot) == to);
}

TEST_CASE("cluster: token flush --all and monitor --keys reach keys on every primary", "[cli][cluster][topology]")
{
    RedisCluster cluster;
    redops::redis::ClusterClient client(cluster.options(cluster.primary_ports().front()));
    std::vector<redops::redis::Command> seed;
    for (int i = 0; i < 10'000; ++i) {
        seed.push_back(cmd("SET", "auth:token:p" + std::to_string(i % 7) + ":t" + std::to_string(i), payload("x")));
    }
    seed.push_back(cmd("SET", "unrelated", "1"));
    for (const auto& reply : client.pipeline(seed)) {
        REQUIRE_FALSE(reply.is_error());
    }
    std::vector<long long> per_primary;
    client.for_each_primary(
        [&](redops::redis::Connection& c) { per_primary.push_back(c.call(cmd("DBSIZE")).integer); });
    REQUIRE(per_primary.size() == 3);
    for (long long keys : per_primary) {
        CHECK(keys > 2'000); // spread over every primary, not piled on one
    }

    auto census = run_redops(
        {"--cluster", "--url", cluster.seed_url(), "monitor", "--keys-exact", "--once", "-o", "json"});
    REQUIRE(census.exit_code == 0);
    CHECK(json::parse(census.out)["keys"]["token"] == 10'000);
    CHECK(json::parse(census.out)["keys"]["other"] == 1);

    auto list = run_redops({"--cluster", "--url", cluster.seed_url(), "token", "list", "--provider", "p3", "--json"});
    REQUIRE(list.exit_code == 0);
    CHECK(json::parse(list.out)["tokens"].size() == 10'000 / 7 + (3 < 10'000 % 7 ? 1 : 0));

    auto flush = run_redops({"--cluster", "--url", cluster.seed_url(), "token", "flush", "--all", "--yes", "--json"});
    INFO(flush.out << flush.err);
    REQUIRE(flush.exit_code == 0);
    CHECK(json::parse(flush.out)["deleted"] == 10'000);
    long long left = 0;
    client.for_each_primary([&](redops::redis::Connection& c) { left += c.call(cmd("DBSIZE")).integer; });
    CHECK(left == 1);
}

TEST_CASE("cluster: a primary fails over and commands follow while ping and monitor show it down",
          "[cli][cluster][topology]")
{
    RedisCluster cluster;
    const std::string key = "auth:token:genesys:acme";
    const int slot = redops::redis::key_slot(key);
    const int from = cluster.port_for_slot(slot);
    const int alive = other_primary(cluster, from);
    const std::string url = "redis://127.0.0.1:" + std::to_string(alive);
    redops::redis::ClusterClient client(cluster.options(alive));
    client.call(cmd("SET", key, payload("tok-acme")));
    // The replica must hold the key before its primary dies, or the failover loses it.
    REQUIRE(redops::redis::Connection::open(cluster.options(from)).call(cmd("WAIT", 1, 2000)).integer == 1);

    cluster.stop_node(from);
    auto observer = redops::redis::Connection::open(cluster.options(alive));
    std::string redirect;
    for (int i = 0; i < 150; ++i) { // node timeout 1 s: the replica takes over within a few seconds
        redirect = observer.call_raw(cmd("GET", key)).str;
        if (redirect.rfind("MOVED", 0) == 0 && redirect.find(":" + std::to_string(from)) == std::string::npos) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    INFO("last redirect: " << redirect);
    REQUIRE(redirect.find(":" + std::to_string(from)) == std::string::npos);

    // A client made before the failover follows it (its connection to the dead node fails, the map is re-read).
    CHECK(json::parse(client.call(cmd("GET", key)).str)["token"] == "tok-acme");
    auto get = run_redops({"--cluster", "--url", url, "token", "get", "--provider", "genesys", "--tenant", "acme"});
    INFO(get.out << get.err);
    CHECK(get.exit_code == 0);

    auto ping = run_redops({"--cluster", "--url", url, "ping", "--json"});
    INFO(ping.out << ping.err);
    CHECK(ping.exit_code == 3); // a node is unreachable
    int unreachable = 0;
    const json pinged = json::parse(ping.out);
    for (const auto& node : pinged["nodes"]) {
        unreachable += node["reachable"] == false ? 1 : 0;
    }
    CHECK(unreachable == 1);

    auto monitor = run_redops({"--cluster", "--url", url, "monitor", "--once", "--keys-exact", "-o", "json"});
    INFO(monitor.out << monitor.err);
    CHECK(monitor.exit_code == 0); // the cluster serves every slot: healthy, with the dead node listed
    json sample = json::parse(monitor.out);
    CHECK(sample["healthy"] == true);
    CHECK(sample["keys"]["token"] == 1);
    int down = 0;
    for (const auto& node : sample["nodes"]) {
        down += node["healthy"] == false ? 1 : 0;
    }
    CHECK(down == 1);
}
