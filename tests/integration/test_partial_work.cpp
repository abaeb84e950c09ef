// Bulk operations that fail part way say how much they did (spec §6), and a rerun finishes the job.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <future>
#include <thread>

using redops::redis::cmd;
using redops::redis::Connection;
using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::ServerConfig;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr long long k_keys = 300'000;

void seed_tokens(Connection& c, long long n)
{
    const std::string payload = R"({"token":"t","expiresAt":99999999999999,"cachedAt":1})";
    std::vector<redops::redis::Command> batch;
    for (long long i = 0; i < n; ++i) {
        batch.push_back(cmd("SET", "auth:token:p:t" + std::to_string(i), payload));
        if (batch.size() == 5000 || i + 1 == n) {
            c.pipeline(batch);
            batch.clear();
        }
    }
}

long long dbsize(Connection& c)
{
    return c.call(cmd("DBSIZE")).as_integer("DBSIZE");
}

// Waits until the flush has deleted some keys but not all; false if it finished first.
bool wait_part_way(Connection& c, std::future<redops::test::ProcessResult>& flush)
{
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        long long left = dbsize(c);
        if (left < k_keys - 20'000 && left > 20'000) {
            return true;
        }
        if (flush.wait_for(0ms) == std::future_status::ready) {
            return false;
        }
        std::this_thread::sleep_for(1ms);
    }
    return false;
}

} // namespace

TEST_CASE("a flush cut off part way reports what it deleted and a rerun finishes it", "[cli][partial]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    bool interrupted = false;
    for (int attempt = 0; attempt < 3 && !interrupted; ++attempt) {
        seed_tokens(admin, k_keys - dbsize(admin));
        auto flush = std::async(std::launch::async, [&] {
            return run_redops({"-p", std::to_string(server.port()), "token", "flush", "--all", "--yes", "--json"});
        });
        if (wait_part_way(admin, flush)) {
            // The operator's connection is cut while the flush runs (a proxy reset, a failover, CLIENT KILL).
            admin.call(cmd("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"));
            interrupted = true;
        }
        auto r = flush.get();
        if (!interrupted) {
            continue; // this machine was quick enough to finish first: seed again and retry
        }
        INFO(r.out << r.err);
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("matching keys before"));
        json doc = json::parse(r.out);
        CHECK(doc["ok"] == false);
        long long reported = doc["deleted"].get<long long>();
        long long left = dbsize(admin);
        CHECK(reported > 0);
        // Whatever was confirmed deleted is gone; a batch in flight when the connection died may also be.
        CHECK(reported <= k_keys - left);
        CHECK(k_keys - left - reported <= 2000);
        CHECK_THAT(r.err, Catch::Contains("deleted " + std::to_string(reported) + " matching keys before"));
    }
    REQUIRE(interrupted);
    auto rerun = run_redops({"-p", std::to_string(server.port()), "token", "flush", "--all", "--yes"});
    CHECK(rerun.exit_code == 0);
    CHECK(dbsize(admin) == 0);
}

TEST_CASE("a flush whose server dies part way exits 3 and names the count", "[cli][partial]")
{
    bool killed = false;
    for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
        RedisServer server;
        auto admin = Connection::open(server.options());
        seed_tokens(admin, k_keys);
        auto flush = std::async(std::launch::async, [&] {
            return run_redops({"-p", std::to_string(server.port()), "token", "flush", "--all", "--yes"});
        });
        if (wait_part_way(admin, flush)) {
            ::kill(server.pid(), SIGKILL);
            killed = true;
        }
        auto r = flush.get();
        if (killed) {
            INFO(r.err);
            CHECK(r.exit_code == 3);
            CHECK_THAT(r.err, Catch::Contains("matching keys before: "));
            CHECK_THAT(r.err, !Catch::Contains("deleted 0 matching keys"));
        }
    }
    REQUIRE(killed);
}

TEST_CASE("a server error keeps its code and the grant it needs when redops adds words to its message",
          "[cli][partial][acl]")
{
    // A user that may scan and read but not delete, and one that may not read tokens at all.
    RedisServer server(ServerConfig{.acl_users = {"user scanner on >pw ~* +@all -unlink -del",
                                                  "user blind on >pw ~* +@all -get", "user admin on >pw ~* +@all"}});
    redops::redis::ConnectionOptions admin = server.options();
    admin.user = "admin";
    admin.password = "pw";
    auto c = Connection::open(admin);
    seed_tokens(c, 3);
    redops::test::RunOptions env;
    env.env["REDIS_PASSWORD"] = "pw";
    auto url = [&](const std::string& user) { return fmt::format("redis://{}@127.0.0.1:{}", user, server.port()); };

    SECTION("a bulk delete refused at its first UNLINK: the partial-work report keeps code and grant")
    {
        auto r = run_redops({"--url", url("scanner"), "--json", "token", "flush", "--provider", "p", "--all-tenants",
                             "--yes"},
                            env);
        INFO(r.out << r.err);
        CHECK(r.exit_code == 4);
        json doc = json::parse(r.out);
        CHECK(doc["deleted"] == 0);
        CHECK(doc["error"]["kind"] == "server");
        CHECK(doc["error"]["code"] == "NOPERM");
        const std::string message = doc["error"]["message"];
        CHECK(message.rfind("deleted 0 matching keys before: NOPERM", 0) == 0);
        CHECK(message.find("ACL SETUSER <user> +unlink") != std::string::npos);
        CHECK(r.err.find("ACL SETUSER <user> +unlink") != std::string::npos);
    }
    SECTION("a read refused: the grant added to the message does not cost the code")
    {
        auto r = run_redops({"--url", url("blind"), "--json", "token", "get", "--provider", "p", "--tenant", "t0"},
                            env);
        INFO(r.out << r.err);
        CHECK(r.exit_code == 4);
        json doc = json::parse(r.out);
        CHECK(doc["error"]["code"] == "NOPERM");
        CHECK(doc["error"]["message"].get<std::string>().find("ACL SETUSER <user> +get") != std::string::npos);
    }
    CHECK(dbsize(c) == 3);
}
