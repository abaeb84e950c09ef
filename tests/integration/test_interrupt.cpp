// [interrupt] Ctrl-C, SIGTERM or SIGHUP during bulk work: it stops between two batches, says exactly what it had
// done (one JSON document, one line on stderr), exits 128 + the signal, and a rerun finishes the job. A second
// signal ends it at once. A proxy that drips replies, switched on at the first write, keeps the work slow enough
// to be caught part way on any machine.
#include "fault_proxy.h"
#include "process.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "spawned_process.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

using namespace redops::test;
using redops::redis::cmd;
using redops::redis::Command;
using redops::redis::Connection;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int k_keys = 20'000;

// k_keys commands made by make(i), sent in pipelines of 5000.
template <typename Make>
void seed(Connection& c, Make make)
{
    std::vector<Command> batch;
    for (int i = 0; i < k_keys; ++i) {
        batch.push_back(make(i));
        if (batch.size() == 5000 || i + 1 == k_keys) {
            c.pipeline(batch);
            batch.clear();
        }
    }
}

std::string mark_key(int i)
{
    return "dedupe:acme:m" + std::to_string(i);
}

long long dbsize(Connection& c)
{
    return c.call(cmd("DBSIZE")).as_integer("DBSIZE");
}

// How many of the k_keys dedupe marks have a TTL.
long long marks_with_ttl(Connection& c)
{
    std::vector<Command> pttls;
    pttls.reserve(k_keys);
    for (int i = 0; i < k_keys; ++i) {
        pttls.push_back(cmd("PTTL", mark_key(i)));
    }
    long long n = 0;
    for (const auto& reply : c.pipeline(pttls)) {
        n += reply.as_integer("PTTL") > 0 ? 1 : 0;
    }
    return n;
}

std::vector<std::string> through(const FaultProxy& proxy, bool as_json)
{
    std::vector<std::string> argv{REDOPS_BINARY, "--url", proxy.url(), "--timeout", "20s"};
    if (as_json) {
        argv.emplace_back("--json");
    }
    return argv;
}

std::vector<std::string> plus(std::vector<std::string> argv, const std::vector<std::string>& more)
{
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
}

long long lines(const std::string& text)
{
    return std::count(text.begin(), text.end(), '\n');
}

bool starts_with(const std::string& text, const std::string& prefix)
{
    return text.rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("token flush stopped by a signal says what it deleted and a rerun finishes it", "[interrupt][cli]")
{
    struct Case {
        int sig;
        const char* name;
        bool as_json;
    };
    for (const Case& c :
         {Case{SIGINT, "SIGINT", true}, Case{SIGTERM, "SIGTERM", false}, Case{SIGHUP, "SIGHUP", true}}) {
        DYNAMIC_SECTION(c.name << (c.as_json ? " json" : " table"))
        {
            RedisServer server;
            auto admin = Connection::open(server.options());
            seed(admin, [](int i) {
                return cmd("SET", "auth:token:p:t" + std::to_string(i), R"({"token":"t","expiresAt":99999999999999})");
            });
            FaultProxy proxy(server.port());
            proxy.set_drip(2048, 10ms);
            proxy.arm("UNLINK", ProxyMode::drip); // the scan's connection drips from its first UNLINK on
            SpawnedProcess flush(plus(through(proxy, c.as_json), {"token", "flush", "--all", "--yes"}));
            REQUIRE(proxy.wait_for("UNLINK", 3, 60s));
            flush.signal(c.sig);
            auto code = flush.wait(30s);
            INFO(flush.out() << flush.err());
            REQUIRE(code == 128 + c.sig);
            const long long left = dbsize(admin);
            const long long deleted = k_keys - left;
            CHECK(left > 0); // stopped part way, not at the end
            CHECK(deleted >= 2000);
            const std::string said = "deleted " + std::to_string(deleted) + " matching keys before: interrupted by " +
                                     c.name;
            CHECK(flush.err() == "redops: error: " + said + "\n");
            if (c.as_json) {
                json doc = json::parse(flush.out()); // exactly one document
                CHECK(doc["ok"] == false);
                CHECK(doc["error"]["kind"] == "interrupted");
                CHECK(doc["error"]["message"] == said);
                CHECK(doc["deleted"] == deleted);
            } else {
                CHECK(flush.out().empty());
            }

            auto rerun = run_redops(
                {"-p", std::to_string(server.port()), "--json", "token", "flush", "--all", "--yes"});
            INFO(rerun.out << rerun.err);
            CHECK(rerun.exit_code == 0);
            CHECK(json::parse(rerun.out)["deleted"] == left);
            CHECK(dbsize(admin) == 0);
        }
    }
}

TEST_CASE("a second signal ends a stopping flush at once", "[interrupt][cli]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", "auth:token:p:t" + std::to_string(i), R"({"token":"t"})"); });
    FaultProxy proxy(server.port());
    proxy.arm("UNLINK", ProxyMode::stall, 2); // the reply to the second batch never comes: it waits for --timeout 20s
    SpawnedProcess flush(plus(through(proxy, true), {"token", "flush", "--all", "--yes"}));
    REQUIRE(eventually([&] { return proxy.fired(); }, 60s));
    flush.signal(SIGINT);
    // The first signal only asks: the batch in flight is waited for (it may have been applied), so it still runs.
    CHECK_FALSE(flush.wait(500ms).has_value());
    const auto second = std::chrono::steady_clock::now();
    flush.signal(SIGINT);
    auto code = flush.wait(10s);
    INFO(flush.out() << flush.err());
    CHECK(code == 128 + SIGINT);
    CHECK(std::chrono::steady_clock::now() - second < 5s); // not the 20 s timeout
}

TEST_CASE("a signal while a batch stalls until --timeout is named in the timeout error", "[interrupt][cli]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", "auth:token:p:t" + std::to_string(i), R"({"token":"t"})"); });
    FaultProxy proxy(server.port());
    proxy.arm("UNLINK", ProxyMode::stall, 2); // the second batch's reply never comes
    SpawnedProcess flush(
        {REDOPS_BINARY, "--url", proxy.url(), "--timeout", "2s", "--json", "token", "flush", "--all", "--yes"});
    REQUIRE(eventually([&] { return proxy.fired(); }, 60s));
    flush.signal(SIGTERM);
    auto code = flush.wait(20s);
    INFO(flush.out() << flush.err());
    // The batch failed before the stop point came: the error is the timeout (exit 3), with the signal named, so
    // whoever sent it knows it was seen; the count is what the server confirmed.
    CHECK(code == 3);
    json doc = json::parse(flush.out());
    CHECK(doc["error"]["kind"] == "timeout");
    const std::string message = doc["error"]["message"];
    CHECK(message.find("(SIGTERM came while it waited for the batch in flight)") != std::string::npos);
    CHECK(flush.err() == "redops: error: " + message + "\n");
    CHECK(doc["deleted"].get<long long>() > 0);
    CHECK(doc["deleted"].get<long long>() <= k_keys - dbsize(admin)); // the stalled batch may have been applied
}

TEST_CASE("dedupe forget stopped by SIGINT counts the marks it removed", "[interrupt][cli]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", mark_key(i), "1", "EX", 3600); });
    const std::string ids = (server.dir() / "ids.txt").string();
    {
        std::ofstream file(ids);
        for (int i = 0; i < k_keys; ++i) {
            file << "m" << i << "\n";
        }
    }
    FaultProxy proxy(server.port());
    proxy.set_drip(2, 20ms); // an UNLINK reply (":500") takes about 100 ms
    proxy.arm("UNLINK", ProxyMode::drip);
    SpawnedProcess forget(plus(through(proxy, true), {"dedupe", "forget", "--tenant", "acme", "--ids-file", ids}));
    REQUIRE(proxy.wait_for("UNLINK", 3, 60s));
    forget.signal(SIGINT);
    auto code = forget.wait(30s);
    INFO(forget.out() << forget.err());
    REQUIRE(code == 128 + SIGINT);
    const long long removed = k_keys - dbsize(admin);
    CHECK(removed > 0);
    CHECK(removed < k_keys);
    json doc = json::parse(forget.out());
    CHECK(doc["error"]["kind"] == "interrupted");
    CHECK(doc["error"]["message"] == "deleted " + std::to_string(removed) + " marks before: interrupted by SIGINT");
    CHECK(doc["deleted"] == removed);
}

TEST_CASE("doctor stopped by SIGINT during its pass prints one document and changes nothing", "[interrupt][doctor]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", mark_key(i), "1"); }); // no TTL: each one a no_ttl finding
    FaultProxy proxy(server.port());
    proxy.set_drip(2048, 10ms);
    proxy.arm("STRLEN", ProxyMode::drip); // the pass's stream drips from its first batch of reads on
    SpawnedProcess doctor(plus(through(proxy, true), {"doctor", "--fix", "--yes"}));
    REQUIRE(proxy.wait_for("SCAN", 3, 60s));
    doctor.signal(SIGINT);
    auto code = doctor.wait(30s);
    INFO(doctor.out() << doctor.err());
    REQUIRE(code == 128 + SIGINT);
    json doc = json::parse(doctor.out());
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "interrupted");
    CHECK(doc["error"]["message"] == "interrupted by SIGINT");
    CHECK(doctor.err() == "redops: error: interrupted by SIGINT\n");
    CHECK(proxy.count("EVALSHA") + proxy.count("EVAL") == 0); // no repair was sent
    CHECK(marks_with_ttl(admin) == 0);
    CHECK(dbsize(admin) == k_keys);
}

TEST_CASE("doctor --fix stopped by SIGTERM between repair batches reports what it repaired", "[interrupt][doctor]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", mark_key(i), "1"); });
    FaultProxy proxy(server.port());
    proxy.set_drip(256, 10ms); // a batch's 500 replies ("applied") take about 250 ms
    proxy.arm("EVALSHA", ProxyMode::drip);
    SpawnedProcess doctor(plus(through(proxy, true), {"doctor", "--fix", "--yes"}));
    REQUIRE(proxy.wait_for("EVALSHA", 1000, 60s));
    doctor.signal(SIGTERM);
    auto code = doctor.wait(30s);
    INFO(doctor.out() << doctor.err());
    REQUIRE(code == 128 + SIGTERM);
    const long long repaired = marks_with_ttl(admin);
    CHECK(repaired >= 500);
    CHECK(repaired < k_keys);
    json doc = json::parse(doctor.out());
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "interrupted");
    const std::string message = doc["error"]["message"];
    CHECK(starts_with(message, "interrupted by SIGTERM after " + std::to_string(repaired) + " of " +
                                   std::to_string(k_keys) + " repairs (" + std::to_string(repaired) + " applied)"));
    CHECK(doc["fix"]["applied"] == repaired);
    CHECK(doc["fix"]["skipped_changed"] == 0);
    CHECK(doc["fix"]["failed"] == 0);
    CHECK(lines(doctor.err()) == 1);
    CHECK(doctor.err().find("interrupted by SIGTERM") != std::string::npos);

    auto rerun = run_redops({"-p", std::to_string(server.port()), "--json", "doctor", "--fix", "--yes"});
    INFO(rerun.out << rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(json::parse(rerun.out)["fix"]["applied"] == k_keys - repaired);
    CHECK(marks_with_ttl(admin) == k_keys);
}

TEST_CASE("token list stopped by SIGINT ends its one document with what it listed", "[interrupt][cli]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) {
        return cmd("SET", "auth:token:p:t" + std::to_string(i),
                   R"({"token":"t","expiresAt":99999999999999,"cachedAt":1})");
    });
    FaultProxy proxy(server.port());
    proxy.set_drip(2048, 10ms);
    proxy.arm("SCAN", ProxyMode::drip, 2);
    SpawnedProcess list(plus(through(proxy, true), {"token", "list"}));
    REQUIRE(proxy.wait_for("SCAN", 4, 60s));
    list.signal(SIGINT);
    auto code = list.wait(30s);
    INFO(list.out() << list.err());
    REQUIRE(code == 128 + SIGINT);
    json doc = json::parse(list.out()); // the array closed, then ok and the error: one valid document
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "interrupted");
    CHECK_FALSE(doc["tokens"].empty());
    CHECK(doc["tokens"].size() < static_cast<std::size_t>(k_keys));
    CHECK(list.err() == "redops: error: interrupted by SIGINT\n");
    CHECK(dbsize(admin) == k_keys);
}

TEST_CASE("a signal the caller ignores stays ignored: a flush under nohup finishes", "[interrupt][cli]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    seed(admin, [](int i) { return cmd("SET", "auth:token:p:t" + std::to_string(i), R"({"token":"t"})"); });
    FaultProxy proxy(server.port());
    proxy.set_drip(2048, 10ms);
    proxy.arm("UNLINK", ProxyMode::drip);
    // As nohup starts it: SIGHUP ignored, which the child inherits across exec.
    struct sigaction ignore {};
    struct sigaction before {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGHUP, &ignore, &before);
    SpawnedProcess flush(plus(through(proxy, true), {"token", "flush", "--all", "--yes"}));
    sigaction(SIGHUP, &before, nullptr);
    REQUIRE(proxy.wait_for("UNLINK", 3, 60s));
    flush.signal(SIGHUP);
    auto code = flush.wait(60s);
    INFO(flush.out() << flush.err());
    CHECK(code == 0);
    CHECK(json::parse(flush.out())["deleted"] == k_keys);
    CHECK(dbsize(admin) == 0);
}

TEST_CASE("doctor reading a huge index stops between two of its pages", "[interrupt][doctor]")
{
    RedisServer server;
    auto admin = Connection::open(server.options());
    // One user index of 50 000 members whose sessions are gone: the pass reads it page by page.
    std::vector<Command> sadds;
    for (int page = 0; page < 50; ++page) {
        Command sadd = cmd("SADD", "user:sessions:big");
        for (int i = 0; i < 1000; ++i) {
            sadd.args.push_back("gone-" + std::to_string(page) + "-" + std::to_string(i));
        }
        sadds.push_back(std::move(sadd));
    }
    admin.pipeline(sadds);
    FaultProxy proxy(server.port());
    proxy.set_drip(2048, 10ms);
    proxy.arm("SSCAN", ProxyMode::drip, 2); // the walk's own connection, from its second page on
    SpawnedProcess doctor(plus(through(proxy, true), {"doctor", "--fix", "--yes"}));
    REQUIRE(proxy.wait_for("SSCAN", 4, 60s));
    doctor.signal(SIGINT);
    const auto signalled = std::chrono::steady_clock::now();
    auto code = doctor.wait(60s);
    INFO(doctor.out() << doctor.err());
    REQUIRE(code == 128 + SIGINT);
    CHECK(std::chrono::steady_clock::now() - signalled < 3s); // a page or two, not the rest of the index
    CHECK(proxy.count("SSCAN") < 20);
    CHECK(proxy.count("EVALSHA") + proxy.count("EVAL") == 0);
    json doc = json::parse(doctor.out());
    CHECK(doc["error"]["kind"] == "interrupted");
    CHECK(admin.call(cmd("SCARD", "user:sessions:big")).as_integer("SCARD") == 50'000);
}
