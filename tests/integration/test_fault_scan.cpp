// [fault] SCAN against a server that cannot be trusted: MATCH ignored, cursors that never end or are not numbers.
// Every key SCAN returns is checked on the client before anything is done to it, and every scan loop is bounded.
#include "fake_resp_server.h"
#include "fault_support.h"
#include "resp_wire.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

using namespace redops::test;
using json = nlohmann::json;

namespace {

const std::string k_token_payload = R"({"token":"tok-p-t","expiresAt":4102444800000,"cachedAt":1700000000000})";
const std::string k_session_payload = R"({"userId":"u1","createdAt":1700000000000})";

// Keys of every kind plus ones that only a careless prefix match would take for a token, session or lock.
std::map<std::string, std::string> mixed_keyspace()
{
    return {{"lock:a", "owner-of-a"},
            {"user:sessions:u1", "s1"},
            {"auth:token:p:t", k_token_payload},
            {"auth:token:q:t", k_token_payload},
            {"auth:tokens", "not a token key"},
            {"session:s1", k_session_payload},
            {"rate:login:u1", "3"},
            {"rate:api:u1", "3"},
            {"dedupe:t:m1", "1"}};
}

bool contains(const std::vector<std::string>& keys, const std::string& key)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const std::vector<std::vector<std::string>> k_scanning_commands{
    {"token", "flush", "--all", "--yes"},
    {"token", "list"},
    {"lock", "list"},
    {"sessions", "list", "--all"},
    {"ratelimit", "reset", "--resource", "login", "--all-subjects", "--yes"},
    {"doctor", "--fix", "--yes"},
};

} // namespace

TEST_CASE("token flush deletes only token keys when the server ignores MATCH", "[fault][scan]")
{
    struct Case {
        std::vector<std::string> args;
        std::vector<std::string> may_delete;
    };
    const std::vector<Case> cases{
        {{"token", "flush", "--all", "--yes"}, {"auth:token:p:t", "auth:token:q:t"}},
        {{"token", "flush", "--provider", "p", "--all-tenants", "--yes"}, {"auth:token:p:t"}},
        {{"token", "flush", "--provider", "p", "--tenant", "t", "--yes"}, {"auth:token:p:t"}},
    };
    for (const auto& c : cases) {
        FakeRespServer server(fake::keyspace_ignoring_match(mixed_keyspace()));
        auto r = run_redops(concat(server.args(), c.args), RunOptions{.timeout = std::chrono::seconds(15)});
        INFO(joined(c.args) << "\n" << brief(r.out) << brief(r.err));
        auto deleted = server.deleted_keys();
        bool stray = false;
        for (const auto& key : deleted) {
            INFO("deleted " << key);
            CHECK(contains(c.may_delete, key));
            stray = stray || !contains(c.may_delete, key);
        }
        CHECK(contains(deleted, "auth:token:p:t"));
        CHECK(r.exit_code == 0);
        note_fault_case("MATCH ignored: " + joined(c.args), r.exit_code, stray);
    }
}

TEST_CASE("ratelimit reset --all-subjects deletes only its resource's keys when the server ignores MATCH",
          "[fault][scan]")
{
    auto keys = mixed_keyspace();
    keys["rate:login:ip:1.2.3.4"] = "1"; // resource "login:ip": its key parses back ambiguously, never deleted
    FakeRespServer server(fake::keyspace_ignoring_match(keys));
    auto r = run_redops(concat(server.args(), {"ratelimit", "reset", "--resource", "login", "--all-subjects", "--yes"}),
                        RunOptions{.timeout = std::chrono::seconds(15)});
    INFO(brief(r.out) << brief(r.err));
    auto deleted = server.deleted_keys();
    for (const auto& key : deleted) {
        INFO("deleted " << key);
        CHECK(key == "rate:login:u1");
    }
    CHECK(contains(deleted, "rate:login:u1"));
    CHECK(r.exit_code == 0);
    note_fault_case("MATCH ignored: ratelimit reset --all-subjects", r.exit_code,
                    std::any_of(deleted.begin(), deleted.end(), [](const auto& k) { return k != "rate:login:u1"; }));
}

TEST_CASE("listings show only their own kind when the server ignores MATCH", "[fault][scan]")
{
    struct Case {
        std::vector<std::string> args;
        std::string own_key; // the one key the listing may show
    };
    const std::vector<Case> cases{
        {{"lock", "list", "--json", "--reveal"}, "lock:a"},
        {{"sessions", "list", "--all", "--json", "--reveal"}, "session:s1"},
        {{"token", "list", "--json", "--reveal"}, "auth:token:"},
    };
    for (const auto& c : cases) {
        FakeRespServer server(fake::keyspace_ignoring_match(mixed_keyspace()));
        auto r = run_redops(concat(server.args(), c.args), RunOptions{.timeout = std::chrono::seconds(15)});
        INFO(joined(c.args) << "\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 0);
        for (const auto& [key, value] : mixed_keyspace()) {
            if (key.rfind(c.own_key, 0) != 0) {
                INFO("listed a foreign key: " << key);
                CHECK(r.out.find("\"" + key + "\"") == std::string::npos);
            }
        }
        CHECK(server.deleted_keys().empty());
        CHECK(server.count("SET") == 0);
        note_fault_case("MATCH ignored: " + joined(c.args), r.exit_code, !server.deleted_keys().empty());
    }
}

TEST_CASE("a SCAN cursor that repeats forever ends with exit 4 in bounded time", "[fault][scan]")
{
    for (const auto& args : k_scanning_commands) {
        FakeRespServer server(fake::scan_with_cursor("17", {"auth:token:p:t"}));
        auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(12)});
        INFO(joined(args) << " (" << server.count("SCAN") << " SCANs)\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 4);
        CHECK(r.elapsed < std::chrono::seconds(10));
        CHECK(mentions(r.err, "scan"));
        note_fault_case("SCAN cursor repeats: " + joined(args), r.exit_code, server.count("SET") > 0);
    }
}

TEST_CASE("a SCAN cursor that counts up and never returns to 0 ends with exit 4 in bounded time", "[fault][scan]")
{
    for (const auto& args : k_scanning_commands) {
        FakeRespServer server(fake::scan_counting_up({"auth:token:p:t"}));
        auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(12)});
        INFO(joined(args) << " (" << server.count("SCAN") << " SCANs)\n" << brief(r.out) << brief(r.err));
        CHECK(r.exit_code == 4);
        CHECK(r.elapsed < std::chrono::seconds(10));
        CHECK(mentions(r.err, "scan"));
        note_fault_case("SCAN cursor never 0: " + joined(args), r.exit_code, server.count("SET") > 0);
    }
}

TEST_CASE("a SCAN cursor that is not a number is a protocol error", "[fault][scan]")
{
    for (const auto& args : k_scanning_commands) {
        for (const std::string cursor : {"abc", "-1", "12x", ""}) {
            FakeRespServer server(fake::scan_with_cursor(cursor, {"auth:token:p:t"}));
            auto r = run_redops(concat(server.args(), args), RunOptions{.timeout = std::chrono::seconds(12)});
            INFO(joined(args) << " with cursor \"" << cursor << "\" (" << server.count("SCAN") << " SCANs)\n"
                              << brief(r.out) << brief(r.err));
            CHECK(r.exit_code == 4);
            CHECK(r.elapsed < std::chrono::seconds(10));
            CHECK(server.count("SCAN") == 1);
            note_fault_case("SCAN cursor not a number: " + joined(args), r.exit_code, server.count("SET") > 0);
        }
    }
}
