// `redops lock` fencing numbers (--fence) and cron-friendly output (--quiet, --json) of lock acquire and lock run.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "target.h"
#include "text_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using redops::test::last_document;
using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::TestTarget;
using redops::test::trim;
using json = nlohmann::json;

TEST_CASE("lock acquire --fence takes the next fencing number only with the lock", "[cli][lock][fence][portable]")
{
    TestTarget target;
    auto first = target.redops({"lock", "acquire", "fenced", "--fence", "--json"});
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    json doc = json::parse(first.out);
    long long fence = doc["fence"].get<long long>();
    CHECK(fence >= 1);
    REQUIRE(target.redops({"lock", "release", "fenced", "--owner", doc["owner"].get<std::string>()}).exit_code == 0);

    auto second = target.redops({"lock", "acquire", "fenced", "--fence", "--json"});
    REQUIRE(second.exit_code == 0);
    CHECK(json::parse(second.out)["fence"] == fence + 1);
    auto refused = target.redops({"lock", "acquire", "fenced", "--fence", "--json"});
    CHECK(refused.exit_code == 1);
    CHECK(json::parse(refused.out)["fence"].is_null());

    auto status = target.redops({"lock", "status", "fenced", "--json"});
    CHECK(json::parse(status.out)["fence"] == fence + 1); // the refused attempt took no number
    auto table = target.redops({"lock", "status", "fenced"});
    CHECK(table.out.find("FENCE") != std::string::npos);
    CHECK(target.count_existing({"{lock:fenced}:fence"}) == 1);
}

TEST_CASE("lock acquire --fence in a cluster refuses lock and fence keys in two slots", "[cli][lock][fence][portable]")
{
    TestTarget target;
    auto config = target.dir() / "redops.json";
    std::ofstream(config) << R"({"keys": {"lock_fence": "lockfence:{name}"}})";
    auto r = target.redops({"--config", config.string(), "lock", "acquire", "split", "--fence"});
    INFO(r.out << r.err);
    if (target.topology() == redops::test::Topology::cluster) {
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("one hash slot") != std::string::npos);
        CHECK(target.count_existing({"lock:split", "lockfence:split"}) == 0); // refused before anything was sent
    } else {
        CHECK(r.exit_code == 0);
        CHECK(target.count_existing({"lock:split", "lockfence:split"}) == 2);
    }
}

TEST_CASE("lock run --fence: numbers strictly increase across 50 serialized runs", "[cli][lock][fence]")
{
    RedisServer server;
    const std::string file = (server.dir() / "tokens").string();
    const std::string job = "echo \"$REDOPS_FENCING_TOKEN $REDOPS_LOCK_OWNER\" >> '" + file + "'";
    // 10 hosts running 5 jobs each, all waiting for the same lock: 50 runs, serialized by the lock.
    std::vector<int> codes(50, -1);
    std::vector<std::thread> hosts;
    for (int host = 0; host < 10; ++host) {
        hosts.emplace_back([&, host] {
            for (int run = 0; run < 5; ++run) {
                codes[static_cast<std::size_t>(host * 5 + run)] = run_redops({"--url", server.url(), "lock", "run",
                                                                              "fenced", "--fence", "--wait", "60s",
                                                                              "--", "sh", "-c", job})
                                                                      .exit_code;
            }
        });
    }
    for (auto& t : hosts) {
        t.join();
    }
    CHECK(std::count(codes.begin(), codes.end(), 0) == 50);
    std::ifstream in(file);
    std::vector<long long> fences;
    std::set<std::string> owners;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        long long fence = 0;
        std::string owner;
        fields >> fence >> owner;
        fences.push_back(fence);
        owners.insert(owner);
    }
    REQUIRE(fences.size() == 50);
    for (std::size_t i = 1; i < fences.size(); ++i) {
        INFO("run " << i);
        CHECK(fences[i] > fences[i - 1]); // in the order the jobs ran, which the lock serialized
    }
    CHECK(owners.size() == 50);
    CHECK(owners.count("") == 0);
    auto status = run_redops({"--url", server.url(), "lock", "status", "fenced", "--json"});
    CHECK(json::parse(status.out)["fence"] == fences.back());
}

TEST_CASE("lock acquire and lock run --quiet say nothing about a held lock", "[cli][lock][run][portable]")
{
    TestTarget target;
    REQUIRE(target.redops({"lock", "acquire", "busy"}).exit_code == 0);
    auto run = target.redops({"lock", "run", "busy", "--quiet", "--", "true"});
    CHECK(run.exit_code == 1);
    CHECK(run.err.empty());
    auto custom = target.redops({"lock", "run", "busy", "-q", "--conflict-exit-code", "75", "--", "true"});
    CHECK(custom.exit_code == 75);
    CHECK(custom.err.empty());
    auto acquire = target.redops({"lock", "acquire", "busy", "--quiet"});
    CHECK(acquire.exit_code == 1);
    CHECK(acquire.err.empty());
    CHECK(acquire.out.empty());
    auto loud = target.redops({"lock", "run", "busy", "--", "true"});
    CHECK(loud.err.find("held by another owner") != std::string::npos);
}

TEST_CASE("lock run --json ends with one document about the run", "[cli][lock][run][portable]")
{
    TestTarget target;
    REQUIRE(target.redops({"lock", "acquire", "busy"}).exit_code == 0);
    auto conflict = target.redops({"lock", "run", "busy", "--json", "--", "true"});
    CHECK(conflict.exit_code == 1);
    json refused = json::parse(conflict.out);
    CHECK(refused["acquired"] == false);
    CHECK(refused["ran"] == false);
    CHECK(refused["ok"] == false);

    auto r = target.redops(
        {"lock", "run", "job", "--json", "--", "sh", "-c", "echo output; echo \"$REDOPS_LOCK_OWNER\" >&2; exit 3"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.rfind("output\n", 0) == 0); // the command's own output comes first
    json doc = last_document(r.out);
    CHECK(doc["ok"] == false);
    CHECK(doc["acquired"] == true);
    CHECK(doc["ran"] == true);
    CHECK(doc["exit_code"] == 3);
    CHECK(doc["signal"].is_null());
    CHECK(doc["lost"] == false);
    CHECK(doc["released"] == true);
    CHECK(doc["renewals"] == 0);
    CHECK(doc["fence"].is_null());
    CHECK(doc["held_ms"].get<long long>() >= 0);
    std::string owner = trim(r.err);
    REQUIRE(owner.size() == 36);
    CHECK(doc["owner"].get<std::string>().find(owner) == std::string::npos); // masked

    auto revealed = target.redops({"lock", "run", "job", "--json", "--reveal", "--", "sh", "-c",
                                   "echo \"$REDOPS_LOCK_OWNER\" >&2; kill -TERM $$"});
    json shown = last_document(revealed.out);
    CHECK(revealed.exit_code == 143);
    CHECK(shown["owner"] == trim(revealed.err));
    CHECK(shown["signal"] == "SIGTERM");
    auto missing = target.redops({"lock", "run", "job", "--json", "--", "/nonexistent/redops-test"});
    CHECK(missing.exit_code == 127);
    CHECK(last_document(missing.out)["ran"] == false);
}
