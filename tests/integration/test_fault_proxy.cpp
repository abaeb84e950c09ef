// [fault] redops against a real redis-server behind a fault-injecting proxy: lost replies after a write, stalls,
// dripped replies, resets. Every case ends in bounded time with a true exit code, and never strands data.
#include "fault_proxy.h"
#include "fault_support.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>

using namespace redops::test;
using redops::redis::cmd;
using redops::redis::Connection;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> via(const FaultProxy& proxy, std::string_view timeout = "1s")
{
    return {"--url", proxy.url(), "--connect-timeout", std::string(timeout), "--timeout", std::string(timeout)};
}

// Every key with its value (strings) or its type, read straight from the server.
std::map<std::string, std::string> snapshot(const RedisServer& server)
{
    Connection c = Connection::open(server.options());
    std::map<std::string, std::string> keys;
    std::string cursor = "0";
    do {
        auto reply = c.call(cmd("SCAN", cursor, "COUNT", 1000));
        cursor = reply.elements.at(0).str;
        for (const auto& key : reply.elements.at(1).elements) {
            auto type = c.call(cmd("TYPE", key.str)).str;
            keys[key.str] = type == "string" ? c.call(cmd("GET", key.str)).str : "<" + type + ">";
        }
    } while (cursor != "0");
    return keys;
}

// n commands for one pipeline, the ith made by make(i).
template <typename Make>
std::vector<redops::redis::Command> batch(int n, Make make)
{
    std::vector<redops::redis::Command> commands;
    commands.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        commands.push_back(make(i));
    }
    return commands;
}

const char* name_of(ProxyMode mode)
{
    switch (mode) {
    case ProxyMode::pass: return "pass";
    case ProxyMode::stall: return "stall";
    case ProxyMode::drip: return "drip";
    case ProxyMode::drop_reply: return "drop-reply";
    case ProxyMode::reset: return "reset";
    }
    return "?";
}

} // namespace

TEST_CASE("lock acquire whose SET reply is lost reports the lock with its owner or releases it", "[fault][proxy]")
{
    for (ProxyMode fault : {ProxyMode::drop_reply, ProxyMode::reset, ProxyMode::stall}) {
        for (bool as_json : {false, true}) {
            RedisServer server;
            FaultProxy proxy(server.port());
            proxy.arm("SET", fault); // the SET reaches the server and is applied; its reply never comes back
            auto args = concat(via(proxy), {"lock", "acquire", "X", "--ttl", "60s"});
            if (as_json) {
                args.emplace_back("--json");
            }
            auto r = run_redops(args, RunOptions{.timeout = 20s});
            std::string said = r.out + r.err;
            INFO(name_of(fault) << (as_json ? " --json" : "") << "\n" << brief(said));
            REQUIRE(proxy.fired());
            auto keys = snapshot(server);
            bool held = keys.contains("lock:X");
            if (held) {
                // Reported as acquired, with the token that releases it.
                const std::string& owner = keys["lock:X"];
                CHECK(r.exit_code == 0);
                CHECK(r.out.find(owner) != std::string::npos);
                if (as_json && r.exit_code == 0) {
                    auto doc = json::parse(r.out);
                    CHECK(doc["acquired"] == true);
                    CHECK(doc["owner"] == owner);
                }
            } else {
                // Released, and said so: not "held by another owner" (1), a failure to get it (3 or 4).
                CHECK((r.exit_code == 3 || r.exit_code == 4));
                CHECK(mentions(said, "released"));
            }
            bool stranded = held && r.out.find(keys["lock:X"]) == std::string::npos;
            CHECK_FALSE(stranded);
            CHECK(keys.size() == (held ? 1U : 0U));
            note_fault_case(fmt::format("lock acquire, SET reply lost ({}{})", name_of(fault), as_json ? ", json" : ""),
                            r.exit_code, stranded);
        }
    }
}

TEST_CASE("ping through a stalled proxy exits 3 within its timeout", "[fault][proxy]")
{
    RedisServer server;
    for (bool after_handshake : {false, true}) {
        FaultProxy proxy(server.port());
        if (after_handshake) {
            proxy.arm("PING", ProxyMode::stall);
        } else {
            proxy.set_mode(ProxyMode::stall);
        }
        auto r = run_redops(concat(via(proxy), {"ping"}), RunOptions{.timeout = 20s});
        INFO((after_handshake ? "after the handshake\n" : "from the start\n") << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 3);
        CHECK(r.elapsed < 1s + 3s);
        note_fault_case(after_handshake ? "stall after handshake (ping)" : "stall (ping)", r.exit_code, false);
    }
}

TEST_CASE("commands through a stalled proxy exit 3 within their timeout and change nothing", "[fault][proxy]")
{
    RedisServer server;
    Connection::open(server.options()).call(cmd("SET", "auth:token:p:t", "{}"));
    const std::vector<std::vector<std::string>> commands{
        {"token", "get", "--provider", "p", "--tenant", "t"},
        {"token", "flush", "--all", "--yes"},
        {"lock", "acquire", "X"},
        {"dedupe", "check", "--tenant", "t", "--id", "m1", "--mark"},
        {"doctor", "--fix", "--yes"},
    };
    for (const auto& command : commands) {
        auto before = snapshot(server);
        FaultProxy proxy(server.port());
        proxy.set_mode(ProxyMode::stall);
        auto r = run_redops(concat(via(proxy), command), RunOptions{.timeout = 20s});
        INFO(fmt::format("{}", fmt::join(command, " ")) << "\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 3);
        CHECK(r.elapsed < 1s + 3s);
        proxy.stop();
        bool changed = snapshot(server) != before;
        CHECK_FALSE(changed);
        note_fault_case(fmt::format("stall: {}", fmt::join(command, " ")), r.exit_code, changed);
    }
}

TEST_CASE("replies dripped a few bytes at a time still arrive whole", "[fault][proxy]")
{
    RedisServer server;
    FaultProxy proxy(server.port());
    proxy.set_drip(3, 2ms);
    proxy.set_mode(ProxyMode::drip);
    auto ping = run_redops(concat(via(proxy, "4s"), {"ping", "--json"}), RunOptions{.timeout = 20s});
    INFO(brief(ping.out) << brief(ping.err));
    CHECK(ping.exit_code == 0);
    CHECK(json::parse(ping.out)["ok"] == true);
    auto miss = run_redops(concat(via(proxy, "4s"), {"token", "get", "--provider", "p", "--tenant", "t"}),
                           RunOptions{.timeout = 20s});
    CHECK(miss.exit_code == 1);
    CHECK(proxy.bytes_to_client() > 0);
    note_fault_case("drip 3 bytes / 2 ms (ping)", ping.exit_code, false);
}

TEST_CASE("a reply dripped slower than --timeout exits 3 in bounded time", "[fault][proxy]")
{
    RedisServer server;
    FaultProxy proxy(server.port());
    proxy.set_drip(1, 300ms); // the HELLO reply alone would take half a minute
    proxy.set_mode(ProxyMode::drip);
    auto r = run_redops(concat(via(proxy), {"ping"}), RunOptions{.timeout = 20s});
    INFO(brief(r.out) << brief(r.err));
    CHECK(r.exit_code == 3);
    CHECK(r.elapsed < 1s + 3s);
    note_fault_case("drip 1 byte / 300 ms (ping)", r.exit_code, false);
}

TEST_CASE("a proxy that drops every reply or resets every connection gives exit 3", "[fault][proxy]")
{
    RedisServer server;
    for (ProxyMode mode : {ProxyMode::drop_reply, ProxyMode::reset}) {
        const std::vector<std::vector<std::string>> commands{{"ping"}, {"lock", "status", "X"}};
        for (const auto& command : commands) {
            FaultProxy proxy(server.port());
            proxy.set_mode(mode);
            auto r = run_redops(concat(via(proxy), command), RunOptions{.timeout = 20s});
            INFO(name_of(mode) << ": " << fmt::format("{}", fmt::join(command, " ")) << "\n"
                               << brief(r.out) << brief(r.err));
            CHECK(r.exit_code == 3);
            CHECK(r.elapsed < 1s + 3s);
            CHECK(snapshot(server).empty());
            note_fault_case(fmt::format("{}: {}", name_of(mode), fmt::join(command, " ")), r.exit_code, false);
        }
    }
}

TEST_CASE("a token flush cut off by a reset reports what it deleted and a rerun finishes it", "[fault][proxy]")
{
    RedisServer server;
    {
        Connection c = Connection::open(server.options());
        c.pipeline(batch(5000, [](int i) { return cmd("SET", fmt::format("auth:token:p:t{}", i), "{}"); }));
        c.call(cmd("SET", "lock:keep", "owner"));
    }
    FaultProxy proxy(server.port());
    proxy.arm_cut("UNLINK", 2); // the first batch is deleted and confirmed; the server dies before the second
    auto r = run_redops(concat(via(proxy, "2s"), {"token", "flush", "--all", "--yes", "--json"}),
                        RunOptions{.timeout = 30s});
    INFO(brief(r.out) << brief(r.err));
    REQUIRE(proxy.fired());
    CHECK(r.exit_code == 3);
    auto left = snapshot(server);
    long long deleted = 5000 - static_cast<long long>(left.size() - 1);
    CHECK(deleted > 0);
    auto doc = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc["ok"] == false);
    // The count of what was done rides with the error (spec §6); at the top or in "error".
    json reported = doc["error"].contains("deleted") ? doc["error"]["deleted"] : doc.value("deleted", json());
    CHECK(reported == deleted);
    CHECK(doc["error"]["message"].get<std::string>().find(std::to_string(deleted)) != std::string::npos);
    auto rerun = run_redops(concat(via(proxy, "2s"), {"token", "flush", "--all", "--yes"}), RunOptions{.timeout = 30s});
    CHECK(rerun.exit_code == 0);
    CHECK(snapshot(server) == std::map<std::string, std::string>{{"lock:keep", "owner"}});
    note_fault_case("reset after the first UNLINK (token flush)", r.exit_code, false);
}

TEST_CASE("a doctor pass cut off by a reset exits 3, repairs nothing, and a rerun repairs it all", "[fault][proxy]")
{
    RedisServer server;
    Connection c = Connection::open(server.options());
    // No TTL: a no_ttl finding each.
    c.pipeline(batch(20000, [](int i) { return cmd("SET", fmt::format("dedupe:t:m{}", i), "1"); }));
    auto without_ttl = [&] {
        long long count = 0;
        for (const auto& reply :
             c.pipeline(batch(20000, [](int i) { return cmd("PTTL", fmt::format("dedupe:t:m{}", i)); }))) {
            count += reply.integer == -1 ? 1 : 0;
        }
        return count;
    };
    // About 20 SCANs of 1000: cut at the 5th, with one batch's reads in flight while the next SCAN is asked.
    FaultProxy proxy(server.port());
    proxy.arm_cut("SCAN", 5);
    auto r = run_redops(concat(via(proxy, "2s"), {"doctor", "--fix", "--yes", "--json"}), RunOptions{.timeout = 30s});
    INFO(brief(r.out) << brief(r.err));
    REQUIRE(proxy.fired());
    CHECK(r.exit_code == 3);
    auto doc = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc["ok"] == false);
    CHECK(r.err.find('\n') == r.err.size() - 1); // one line
    CHECK(without_ttl() == 20000);
    auto rerun = run_redops(concat(via(proxy, "2s"), {"doctor", "--fix", "--yes", "--json"}),
                            RunOptions{.timeout = 30s});
    INFO(brief(rerun.out) << brief(rerun.err));
    CHECK(rerun.exit_code == 0);
    CHECK(without_ttl() == 0);
    note_fault_case("reset at the 5th SCAN (doctor --fix --yes)", r.exit_code, false);
}
