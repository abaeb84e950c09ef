// Sentinel: redops asks the sentinels for the primary and talks to it, and follows a failover;
// unknown names and dead sentinels exit 3.
#include "process.h"
#include "redis_sentinel_set.h"
#include "redis_server.h"
#include "topology_probe.h"

#include "redis/connection.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

using redops::test::RedisSentinelSet;
using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::ServerConfig;

TEST_CASE("sentinels in turn name the primary", "[cli][sentinel][topology]")
{
    RedisServer primary;
    RedisServer sentinel(ServerConfig{.sentinel_for = primary.port()});
    const std::string at = "127.0.0.1:" + std::to_string(sentinel.port());
    const std::string dead = "127.0.0.1:" + std::to_string(redops::test::free_port());

    // The first sentinel is down: the next one in turn answers.
    auto ping = run_redops({"--sentinel", dead, "--sentinel", at, "--master", "mymaster", "ping", "--json"});
    INFO(ping.err);
    REQUIRE(ping.exit_code == 0);
    auto doc = nlohmann::json::parse(ping.out);
    CHECK(doc["topology"] == "sentinel");
    CHECK(doc["nodes"][0]["address"] == "127.0.0.1:" + std::to_string(primary.port()));
    CHECK(doc["nodes"][0]["role"] == "master");

    auto lock = run_redops({"--sentinel", at, "--master", "mymaster", "lock", "acquire", "via-sentinel"});
    CHECK(lock.exit_code == 0);
    auto c = redops::redis::Connection::open(primary.options());
    CHECK(c.call(redops::redis::cmd("EXISTS", "lock:via-sentinel")).integer == 1);

    auto unknown = run_redops({"--sentinel", at, "--master", "nosuch", "ping"});
    CHECK(unknown.exit_code == 3);
    CHECK(unknown.err.find("nosuch") != std::string::npos);

    auto no_master = run_redops({"--sentinel", at, "ping"});
    CHECK(no_master.exit_code == 2);
}

TEST_CASE("after a sentinel failover ping names the new primary", "[cli][sentinel][topology]")
{
    RedisSentinelSet set;
    INFO("sentinel set start-up " << set.start_up().count() << " ms"); // run with -s to see it
    CHECK(set.start_up() < redops::test::k_topology_start_up_limit);
    const auto sentinels = set.sentinel_ports();
    const std::vector<std::string> args{"--sentinel", "127.0.0.1:" + std::to_string(sentinels[0]),
                                        "--sentinel", "127.0.0.1:" + std::to_string(sentinels[1]),
                                        "--master",   "mymaster",
                                        "ping",       "-o",
                                        "json"};
    auto address_pinged = [&args] {
        auto ping = run_redops(args);
        INFO(ping.out << ping.err);
        REQUIRE(ping.exit_code == 0);
        auto doc = nlohmann::json::parse(ping.out);
        CHECK(doc["nodes"][0]["role"] == "master");
        return doc["nodes"][0]["address"].get<std::string>();
    };

    const int first = set.primary_port();
    CHECK(address_pinged() == "127.0.0.1:" + std::to_string(first));
    const auto failing_over = std::chrono::steady_clock::now();
    const int promoted = set.failover();
    INFO("failover " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                              failing_over)
                            .count()
                     << " ms");
    CHECK(promoted != first);
    CHECK(address_pinged() == "127.0.0.1:" + std::to_string(promoted));
}

TEST_CASE("monitor follows the new primary through a sentinel failover", "[cli][sentinel][monitor][topology]")
{
    RedisSentinelSet set;
    const auto sentinels = set.sentinel_ports();
    const int first = set.primary_port();
    redops::test::ProcessResult run;
    std::thread monitor([&] {
        run = run_redops({"--sentinel", "127.0.0.1:" + std::to_string(sentinels[0]), "--sentinel",
                          "127.0.0.1:" + std::to_string(sentinels[2]), "--master", "mymaster", "monitor", "--interval",
                          "250ms", "--count", "24", "-o", "json"});
    });
    // Room for a slow start (~0.7 s under the sanitizers here) before the first sample.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const int promoted = set.failover();
    monitor.join();

    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    std::vector<nlohmann::json> samples;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
        samples.push_back(nlohmann::json::parse(line));
    }
    REQUIRE(samples.size() == 24);
    CHECK(samples.front()["address"] == "127.0.0.1:" + std::to_string(first));
    CHECK(samples.back()["address"] == "127.0.0.1:" + std::to_string(promoted));
    CHECK(samples.back()["healthy"] == true);
    CHECK(samples.back()["role"] == "master");
    CHECK(run.err.find("primary is now 127.0.0.1:" + std::to_string(promoted)) != std::string::npos);
    // The primary the sentinels name reports its replica and how far behind it is.
    CHECK(samples.front()["connected_replicas"] == 1);
    CHECK(samples.front()["replication_lag_bytes"].is_number());
    // One event per line on stderr, each with its own time.
    std::istringstream events(run.err);
    for (std::string line; std::getline(events, line);) {
        INFO(line);
        CHECK(std::regex_search(line, std::regex(R"(^\d{4}-\d\d-\d\dT[0-9:.]+Z redops: monitor: )")));
    }
}
