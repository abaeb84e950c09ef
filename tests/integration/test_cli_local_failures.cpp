// Local failures are kind `system` (exit 4): a file that exists but cannot be read. A path that names no file
// stays a usage error (exit 2). Nothing reaches the server either way.
#include "process.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using redops::redis::cmd;
using redops::test::RedisServer;
using redops::test::run_redops;
using json = nlohmann::json;

namespace {

// Reading /proc/self/mem from its start fails with EIO: a file that opens but cannot be read, even for root.
const std::string k_unreadable = "/proc/self/mem";

} // namespace

TEST_CASE("a file that cannot be read is a local failure: exit 4 and kind system", "[cli][system]")
{
    RedisServer server;
    auto admin = redops::redis::Connection::open(server.options());
    admin.call(cmd("SET", "dedupe:acme:m1", "1", "EX", 600));
    const std::vector<std::vector<std::string>> commands{
        {"dedupe", "check", "--tenant", "acme", "--mark", "--ids-file", k_unreadable},
        {"dedupe", "forget", "--tenant", "acme", "--ids-file", k_unreadable},
        {"token", "set", "--provider", "p1", "--tenant", "t1", "--expires-in", "3600", "--token-file", k_unreadable},
        {"--password-file", k_unreadable, "ping"},
    };
    for (const auto& command : commands) {
        std::vector<std::string> args{"--url", server.url(), "--json"};
        args.insert(args.end(), command.begin(), command.end());
        auto r = run_redops(args);
        INFO(command[0] << " " << command[1] << "\nexit " << r.exit_code << "\nstdout: " << r.out
                        << "\nstderr: " << r.err);
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("cannot read") != std::string::npos);
        CHECK(r.err.find("Input/output error") != std::string::npos);
        json doc = json::parse(r.out, nullptr, false);
        REQUIRE_FALSE(doc.is_discarded());
        CHECK(doc["ok"] == false);
        CHECK(doc["error"]["kind"] == "system");
    }
    CHECK(admin.call(cmd("DBSIZE")).as_integer("DBSIZE") == 1);
    CHECK(admin.call(cmd("GET", "dedupe:acme:m1")).as_string("GET") == "1");
}

TEST_CASE("a path that names no file stays a usage error: exit 2 and kind usage", "[cli][system]")
{
    RedisServer server;
    auto r = run_redops({"--url", server.url(), "--json", "dedupe", "check", "--tenant", "acme", "--ids-file",
                         (server.dir() / "no-such-ids.txt").string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot read") != std::string::npos);
    json doc = json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc["error"]["kind"] == "usage");
    auto admin = redops::redis::Connection::open(server.options());
    CHECK(admin.call(cmd("DBSIZE")).as_integer("DBSIZE") == 0);
}
