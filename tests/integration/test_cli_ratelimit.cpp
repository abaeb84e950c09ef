// `redops ratelimit` end to end against a real redis-server: every algorithm holds its limit under concurrency.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "spawned_process.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <thread>

using redops::test::run_redops;
using redops::test::TestTarget;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> test_args(const TestTarget& target, const std::string& algorithm, const std::string& limit,
                                   const std::string& window, std::vector<std::string> extra)
{
    std::vector<std::string> args = target.args();
    args.insert(args.end(), {"ratelimit", "test", "--resource", "api", "--subject", "u1", "--limit", limit, "--window",
                             window, "--algorithm", algorithm, "--json"});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

json run_json(const std::vector<std::string>& args, int expected_exit)
{
    auto r = run_redops(args);
    INFO(r.out);
    INFO(r.err);
    REQUIRE(r.exit_code == expected_exit);
    return json::parse(r.out);
}

} // namespace

TEST_CASE("ratelimit: 150 hits from 8 connections pass exactly the limit and peek consumes nothing",
          "[cli][ratelimit][portable]")
{
    TestTarget target;
    for (std::string algorithm : {"fixed-window", "sliding-log", "gcra"}) {
        SECTION(algorithm)
        {
            json peek0 = run_json(test_args(target, algorithm, "100", "1h", {"--peek"}), 0);
            CHECK(peek0["remaining"] == 100);
            CHECK(peek0["exists"] == false);
            json load = run_json(test_args(target, algorithm, "100", "1h", {"--requests", "150", "--concurrency", "8"}),
                                 0);
            CHECK(load["allowed"] == 100);
            CHECK(load["denied"] == 50);
            CHECK(load["concurrency"] == 8);
            CHECK(load["exact"] == true);
            CHECK(load["first_denied_index"].is_number()); // hits race, so not necessarily index 100
            CHECK(load["remaining"] == 0);
            for (int i = 0; i < 3; ++i) {
                json peek = run_json(test_args(target, algorithm, "100", "1h", {"--peek"}), 1);
                CHECK(peek["limited"] == true);
                CHECK(peek["current"] == 100);
                CHECK(peek["no_ttl"] == false);
            }
            // Already at the limit: every further hit is denied, and that is what the limit permits.
            json more = run_json(test_args(target, algorithm, "100", "1h", {"--requests", "5"}), 0);
            CHECK(more["allowed"] == 0);
            CHECK(more["first_denied_index"] == 0);
            auto reset = target.redops({"ratelimit", "reset", "--resource", "api", "--subject", "u1"});
            CHECK(reset.exit_code == 0);
            json after = run_json(test_args(target, algorithm, "100", "1h", {"--peek"}), 0);
            CHECK(after["remaining"] == 100);
            auto again = target.redops({"ratelimit", "reset", "--resource", "api", "--subject", "u1"});
            CHECK(again.exit_code == 1);
        }
    }
}

TEST_CASE("ratelimit: a short window expires and restores capacity", "[cli][ratelimit][portable]")
{
    TestTarget target;
    for (std::string algorithm : {"fixed-window", "sliding-log", "gcra"}) {
        SECTION(algorithm)
        {
            json first = run_json(test_args(target, algorithm, "2", "2s", {"--requests", "4", "--concurrency", "2"}),
                                  0);
            CHECK(first["allowed"].get<long long>() >= 2);
            std::this_thread::sleep_for(2100ms);
            json peek = run_json(test_args(target, algorithm, "2", "2s", {"--peek"}), 0);
            CHECK(peek["remaining"] == 2);
            json second = run_json(test_args(target, algorithm, "2", "2s", {"--requests", "3"}), 0);
            CHECK(second["allowed"] == 2);
        }
    }
}

TEST_CASE("ratelimit: a key of the wrong type exits 4 and a counter without TTL is flagged",
          "[cli][ratelimit][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    conn.call(redops::redis::cmd("HSET", "rate:api:u1", "f", "v"));
    for (std::string algorithm : {"fixed-window", "sliding-log", "gcra"}) {
        CHECK(run_redops(test_args(target, algorithm, "5", "10s", {"--requests", "3"})).exit_code == 4);
        CHECK(run_redops(test_args(target, algorithm, "5", "10s", {"--peek"})).exit_code == 4);
    }
    conn.call(redops::redis::cmd("SET", "rate:api:u1", "7"));
    auto leak = run_redops(test_args(target, "fixed-window", "5", "10s", {"--peek"}));
    CHECK(leak.exit_code == 1);
    json doc = json::parse(leak.out);
    CHECK(doc["no_ttl"] == true);
    CHECK(leak.err.find("no TTL") != std::string::npos);
    // The services' script sets the missing expiry when it refuses a hit.
    run_json(test_args(target, "fixed-window", "5", "10s", {"--requests", "1"}), 0);
    CHECK(conn.call(redops::redis::cmd("PTTL", "rate:api:u1")).integer > 0);
}

TEST_CASE("ratelimit reset --all-subjects needs --yes off a TTY and leaves other resources",
          "[cli][ratelimit][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    for (std::string key : {"rate:a*b:u1", "rate:a*b:u2", "rate:axb:u3", "rate:other:u1"}) {
        conn.call(redops::redis::cmd("SET", key, "1"));
    }
    std::vector<std::string> args = target.args();
    args.insert(args.end(), {"ratelimit", "reset", "--resource", "a*b", "--all-subjects"});
    CHECK(run_redops(args).exit_code == 2);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "rate:a*b:u1")).integer == 1);
    args.push_back("--yes");
    args.push_back("--json");
    auto r = run_redops(args);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["deleted"] == 2);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "rate:axb:u3")).integer == 1);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "rate:other:u1")).integer == 1);
}

TEST_CASE("ratelimit --degraded: 10 per minute in memory without Redis", "[cli][ratelimit]")
{
    auto r = run_redops({"--url", "redis://127.0.0.1:1", "ratelimit", "test", "--degraded", "--resource", "acme",
                         "--subject", "t1", "--requests", "11", "--concurrency", "3", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["allowed"] == 10);
    CHECK(doc["denied"] == 1);
    CHECK(doc["limit"] == 10);
    CHECK(doc["window_ms"] == 60'000);
}

TEST_CASE("ratelimit test on a shared subject: 12 concurrent runs are judged on the whole, none blames the limiter",
          "[cli][ratelimit][concurrency][portable]")
{
    TestTarget target;
    constexpr int k_runs = 12;
    std::vector<redops::test::ProcessResult> results(k_runs);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_runs; ++i) {
        threads.emplace_back([&, i] {
            std::vector<std::string> args{"ratelimit",  "test",    "--resource",    "api",      "--subject",
                                          "shared",     "--limit", "100",           "--window", "1h",
                                          "--requests", "20",      "--concurrency", "2",        "--json"};
            results[i] = target.redops(args);
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    long long admitted = 0;
    int shared = 0;
    for (const auto& r : results) {
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0); // 240 hits for 100 slots: every run sees others take capacity, none may say FAIL
        json doc = json::parse(r.out);
        CHECK(doc["verdict"] == "held");
        CHECK(doc["ok"] == true);
        admitted += doc["allowed"].get<long long>();
        shared += doc["shared"].get<bool>() ? 1 : 0;
    }
    CHECK(admitted == 100); // the limiter itself admitted exactly its limit
    CHECK(shared > 0);
    auto counter = target.client().call(redops::redis::cmd("GET", "rate:api:shared"));
    CHECK(counter.str == "100");
}

TEST_CASE("ratelimit test: a reset by another client during the run gives no verdict (exit 5)", "[cli][ratelimit]")
{
    TestTarget target;
    // A fixed-window run slow enough (one connection, 8000 hits) for a second operator to reset it midway.
    std::vector<std::string> args{"ratelimit",  "test",    "--resource", "api",      "--subject",
                                  "reset-me",   "--limit", "100000",     "--window", "1h",
                                  "--requests", "8000",    "--json"};
    redops::test::ProcessResult run;
    std::thread runner([&] { run = target.redops(args); });
    bool reset = redops::test::eventually(
        [&] {
            auto value = target.client().call(redops::redis::cmd("GET", "rate:api:reset-me"));
            // Midway only: near the end the run may already have taken its closing peek.
            if (value.is_nil() || std::stoll(value.str) < 200 || std::stoll(value.str) > 4'000) {
                return false;
            }
            target.client().call(redops::redis::cmd("DEL", "rate:api:reset-me"));
            return true;
        },
        10s);
    runner.join();
    REQUIRE(reset);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 5);
    json doc = json::parse(run.out);
    CHECK(doc["verdict"] == "no_verdict");
    CHECK(doc["shared"] == true);
    CHECK(doc["ok"] == false);
    CHECK(doc["allowed"] == 8000);
    CHECK(doc["reason"].get<std::string>().find("reset or removed") != std::string::npos);
}

TEST_CASE("ratelimit test --concurrency never crowds out the server's other clients", "[cli][ratelimit]")
{
    redops::test::ServerConfig config;
    config.extra_args = {"--maxclients", "40"};
    redops::test::RedisServer server(config);
    auto r = run_redops({"--url", server.url(), "ratelimit", "test", "--resource", "api", "--subject", "u1", "--limit",
                         "50", "--window", "1h", "--requests", "200", "--concurrency", "64", "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["concurrency_requested"] == 64);
    CHECK(doc["concurrency"].get<long long>() <= 10); // a quarter of at most 39 free slots
    CHECK(doc["concurrency"].get<long long>() >= 1);
    CHECK(doc["allowed"] == 50);
    CHECK(r.err.find("capped to") != std::string::npos);
    auto conn = redops::redis::Connection::open(server.options());
    std::string stats = conn.call(redops::redis::cmd("INFO", "stats")).str;
    CHECK(stats.find("rejected_connections:0\r\n") != std::string::npos);
}
