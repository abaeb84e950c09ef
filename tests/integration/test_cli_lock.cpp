// `redops lock` end to end against a real redis-server: ownership, atomicity under contention, waiting and `lock run`.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "target.h"
#include "text_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::TestTarget;
using redops::test::trim;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> with_url(const RedisServer& server, std::vector<std::string> args)
{
    args.insert(args.begin(), {"--url", server.url()});
    return args;
}

// Waits until `lock run` holds its lock: a fixed sleep is too short where a process starts slowly (under the
// sanitizers redops takes ~0.7 s to start here), and what the test does next depends on the lock being held.
template <class Redis>
bool wait_until_held(Redis& redis, const std::string& key)
{
    for (int i = 0; i < 500; ++i) {
        if (redis.call(redops::redis::cmd("EXISTS", key)).integer == 1) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

} // namespace

TEST_CASE("lock acquire / status / release round trip, table and JSON", "[cli][lock][portable]")
{
    TestTarget target;
    auto acquired = target.redops({"lock", "acquire", "nightly", "--ttl", "30s"});
    INFO(acquired.err);
    REQUIRE(acquired.exit_code == 0);
    std::string token = trim(acquired.out);
    CHECK(token.size() == 36); // UUID text, in full: it is what releases the lock
    CHECK(token[14] == '4');

    auto& conn = target.client();
    CHECK(conn.call(redops::redis::cmd("GET", "lock:nightly")).str == token);
    long long pttl = conn.call(redops::redis::cmd("PTTL", "lock:nightly")).integer;
    CHECK(pttl > 25'000);
    CHECK(pttl <= 30'000);

    auto held = target.redops({"lock", "acquire", "nightly", "--json"});
    CHECK(held.exit_code == 1);
    json held_doc = json::parse(held.out);
    CHECK(held_doc["acquired"] == false);
    CHECK(held_doc["ttl_ms"].get<long long>() > 0);
    CHECK(held_doc["owner"].get<std::string>().find(token) == std::string::npos); // masked

    auto status = target.redops({"lock", "status", "nightly", "--json"});
    CHECK(status.exit_code == 0);
    json status_doc = json::parse(status.out);
    CHECK(status_doc["held"] == true);
    CHECK(status_doc["key"] == "lock:nightly");
    CHECK(status.out.find(token) == std::string::npos);
    auto revealed = target.redops({"lock", "status", "nightly", "--json", "--reveal"});
    CHECK(json::parse(revealed.out)["owner"] == token);

    auto list = target.redops({"lock", "list", "--json"});
    CHECK(list.exit_code == 0);
    json list_doc = json::parse(list.out);
    REQUIRE(list_doc["locks"].size() == 1);
    CHECK(list_doc["locks"][0]["name"] == "nightly");

    auto released = target.redops({"lock", "release", "nightly", "--owner", token, "--json"});
    CHECK(released.exit_code == 0);
    CHECK(json::parse(released.out)["released"] == true);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:nightly")).integer == 0);

    auto again = target.redops({"lock", "release", "nightly", "--owner", token, "--json"});
    CHECK(again.exit_code == 1);
    CHECK(json::parse(again.out)["reason"] == "not_held");
    auto gone = target.redops({"lock", "status", "nightly"});
    CHECK(gone.exit_code == 1);
}

TEST_CASE("lock release and extend with a wrong owner never touch the key", "[cli][lock][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    conn.call(redops::redis::cmd("SET", "lock:job", "the-real-owner", "PX", "60000"));

    auto release = target.redops({"lock", "release", "job", "--owner", "impostor", "--json"});
    CHECK(release.exit_code == 1);
    CHECK(json::parse(release.out)["reason"] == "other_owner");
    auto extend = target.redops({"lock", "extend", "job", "--owner", "impostor", "--ttl", "1h"});
    CHECK(extend.exit_code == 1);
    CHECK(extend.err.find("another owner") != std::string::npos);

    CHECK(conn.call(redops::redis::cmd("GET", "lock:job")).str == "the-real-owner");
    CHECK(conn.call(redops::redis::cmd("PTTL", "lock:job")).integer <= 60'000);

    auto extend_ok = target.redops({"lock", "extend", "job", "--owner", "the-real-owner", "--ttl", "2m"});
    CHECK(extend_ok.exit_code == 0);
    CHECK(conn.call(redops::redis::cmd("PTTL", "lock:job")).integer > 60'000);

    auto missing = target.redops({"lock", "extend", "nothing", "--owner", "x", "--ttl", "1m", "--json"});
    CHECK(missing.exit_code == 1);
    CHECK(json::parse(missing.out)["reason"] == "not_held");
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:nothing")).integer == 0);
}

TEST_CASE("lock release --force: refuses off a TTY without --yes, removes with it", "[cli][lock][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    conn.call(redops::redis::cmd("SET", "lock:stuck", "dead-worker-token-0123456789", "PX", "60000"));

    auto refused = target.redops({"lock", "release", "stuck", "--force"});
    CHECK(refused.exit_code == 2);
    CHECK(conn.call(redops::redis::cmd("GET", "lock:stuck")).str == "dead-worker-token-0123456789");

    auto forced = target.redops({"lock", "release", "stuck", "--force", "--yes", "--json"});
    CHECK(forced.exit_code == 0);
    json doc = json::parse(forced.out);
    CHECK(doc["released"] == true);
    CHECK(doc["owner"].get<std::string>().find("dead-worker-token-0123456789") == std::string::npos);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:stuck")).integer == 0);
}

TEST_CASE("lock acquire: 50 concurrent processes, exactly one wins", "[cli][lock][concurrency][portable]")
{
    TestTarget target;
    constexpr int k_processes = 50;
    std::vector<int> codes(k_processes, -1);
    std::vector<std::thread> threads;
    threads.reserve(k_processes);
    for (int i = 0; i < k_processes; ++i) {
        threads.emplace_back([&, i] { codes[i] = target.redops({"lock", "acquire", "same"}).exit_code; });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(std::count(codes.begin(), codes.end(), 0) == 1);
    CHECK(std::count(codes.begin(), codes.end(), 1) == k_processes - 1);
}

TEST_CASE("lock acquire --wait gets the lock once the holder releases", "[cli][lock][portable]")
{
    TestTarget target;
    auto holder = target.redops({"lock", "acquire", "w", "--ttl", "1s"});
    REQUIRE(holder.exit_code == 0);
    // The holder's TTL lapses at most 1 s after it returned: a waiter with --wait 5s gets the lock soon after that,
    // well before its wait ends (its own start-up, up to 1 s under the sanitizers, included).
    auto waiter = target.redops({"lock", "acquire", "w", "--wait", "5s"});
    CHECK(waiter.exit_code == 0);
    CHECK(waiter.elapsed < 3500ms);

    auto no_wait = target.redops({"lock", "acquire", "w", "--wait", "300ms", "--json"});
    CHECK(no_wait.exit_code == 1);
    CHECK(no_wait.elapsed >= 250ms);
}

TEST_CASE("lock run propagates exit codes, conflicts and releases the lock", "[cli][lock][run][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    auto ok = target.redops({"lock", "run", "job", "--", "sh", "-c", "exit 0"});
    CHECK(ok.exit_code == 0);
    auto three = target.redops({"lock", "run", "job", "--", "sh", "-c", "exit 3"});
    CHECK(three.exit_code == 3);
    auto signalled = target.redops({"lock", "run", "job", "--", "sh", "-c", "kill -TERM $$"});
    CHECK(signalled.exit_code == 143);
    auto interrupted = target.redops({"lock", "run", "job", "--", "sh", "-c", "kill -INT $$"});
    CHECK(interrupted.exit_code == 130);
    auto not_found = target.redops({"lock", "run", "job", "--", "/nonexistent/redops-test"});
    CHECK(not_found.exit_code == 127);
    CHECK(not_found.err.find("/nonexistent/redops-test") != std::string::npos);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:job")).integer == 0);

    redops::test::ProcessResult first;
    std::thread runner([&] { first = target.redops({"lock", "run", "job", "--", "sleep", "3"}); });
    CHECK(wait_until_held(conn, "lock:job"));
    auto conflict = target.redops({"lock", "run", "job", "--", "true"});
    auto custom = target.redops({"lock", "run", "job", "--conflict-exit-code", "75", "--", "true"});
    runner.join();
    CHECK(first.exit_code == 0);
    CHECK(conflict.exit_code == 1);
    CHECK(custom.exit_code == 75);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:job")).integer == 0);
}

TEST_CASE("lock run renews a 1s lock throughout a 3s command", "[cli][lock][run][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    redops::test::ProcessResult run;
    std::thread runner([&] { run = target.redops({"lock", "run", "long", "--ttl", "1s", "--", "sleep", "3"}); });
    CHECK(wait_until_held(conn, "lock:long"));
    int held = 0;
    for (int i = 0; i < 12; ++i) { // 2.4 s of polling, well past the 1 s TTL
        held += conn.call(redops::redis::cmd("EXISTS", "lock:long")).integer == 1 ? 1 : 0;
        std::this_thread::sleep_for(200ms);
    }
    runner.join();
    CHECK(held == 12);
    CHECK(run.exit_code == 0);
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:long")).integer == 0);
}

TEST_CASE("lock run --kill-on-loss terminates the command when another owner takes the lock",
          "[cli][lock][run][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    redops::test::ProcessResult run;
    std::thread runner([&] {
        run = target.redops({"lock", "run", "lost", "--ttl", "1s", "--kill-on-loss", "--", "sleep", "10"});
    });
    CHECK(wait_until_held(conn, "lock:lost"));
    conn.call(redops::redis::cmd("SET", "lock:lost", "someone-else"));
    runner.join();
    CHECK(run.exit_code == 143);
    CHECK(run.elapsed < 5s);
    CHECK(run.err.find("lost lock") != std::string::npos);
    CHECK(conn.call(redops::redis::cmd("GET", "lock:lost")).str == "someone-else");
}

TEST_CASE("lock acquire --wait acquires soon after the holder releases", "[cli][lock][portable]")
{
    TestTarget target;
    auto holder = target.redops({"lock", "acquire", "w2", "--ttl", "1m"});
    REQUIRE(holder.exit_code == 0);
    std::chrono::steady_clock::time_point released;
    std::thread releaser([&] {
        std::this_thread::sleep_for(1s);
        target.redops({"lock", "release", "w2", "--owner", trim(holder.out)});
        released = std::chrono::steady_clock::now();
    });
    auto waiter = target.redops({"lock", "acquire", "w2", "--wait", "5s", "--json"});
    const auto acquired = std::chrono::steady_clock::now();
    releaser.join();
    CHECK(waiter.exit_code == 0);
    CHECK(json::parse(waiter.out)["acquired"] == true);
    // Soon after the release returned (the waiter may even have taken it before this thread saw the release
    // return), not at the end of its 5 s wait.
    CHECK(acquired - released < 1500ms);
}

TEST_CASE("lock list: names are matched literally unless --match gives a glob", "[cli][lock][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    for (std::string name : {"report-a", "report-b", "other", "star*"}) {
        REQUIRE(target.redops({"lock", "acquire", name}).exit_code == 0);
    }
    conn.call(redops::redis::cmd("SET", "unrelated", "x"));

    auto all = target.redops({"lock", "list", "--json"});
    CHECK(json::parse(all.out)["count"] == 4);
    auto reports = target.redops({"lock", "list", "--match", "report-*", "--json"});
    CHECK(json::parse(reports.out)["count"] == 2);
    auto table = target.redops({"lock", "list"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("report-a") != std::string::npos);
    CHECK(table.out.find("unrelated") == std::string::npos);
}

TEST_CASE("lock run --kill-on-loss terminates the command when Redis goes away past the TTL", "[cli][lock][run]")
{
    RedisServer server;
    redops::test::ProcessResult run;
    std::thread runner([&] {
        run = run_redops(
            with_url(server, {"lock", "run", "gone", "--ttl", "1s", "--kill-on-loss", "--", "sleep", "10"}));
    });
    auto conn = redops::redis::Connection::open(server.options());
    CHECK(wait_until_held(conn, "lock:gone"));
    server.stop();
    runner.join();
    CHECK(run.exit_code == 143);
    CHECK(run.elapsed < 6s);
    CHECK(run.err.find("lost lock") != std::string::npos);
}

TEST_CASE("lock run forwards SIGTERM to the command, exits 143 and releases", "[cli][lock][run]")
{
    RedisServer server;
    std::string script = std::string("\"$0\" --url \"$1\" lock run term -- sleep 10 & pid=$!; sleep 0.5; ") +
                         "kill -TERM $pid; wait $pid; echo $?";
    auto r = redops::test::run_process({"sh", "-c", script, REDOPS_BINARY, server.url()});
    INFO(r.err);
    CHECK(trim(r.out) == "143");
    CHECK(r.elapsed < 5s);
    auto conn = redops::redis::Connection::open(server.options());
    CHECK(conn.call(redops::redis::cmd("EXISTS", "lock:term")).integer == 0);
}
