// The bad-input matrix (issue 12): each refusal exits with its code, says why, never prints the password and
// leaves the server's data exactly as it was (DEBUG DIGEST and DBSIZE before and after every row).
#include "bad_input_rows.h"
#include "common/clock.h"
#include "process.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::test::MatrixRow;
using redops::test::RedisServer;
using redops::test::RunOptions;
using redops::test::ServerConfig;
using json = nlohmann::json;

namespace {

using redops::now_ms;

// Data of every kind the services keep, as they write it, plus two keys of a wrong type.
void seed(redops::redis::Connection& c)
{
    long long now = now_ms();
    std::string token =
        json{{"token", "eyJhbGciOiJSUzI1NiJ9.payload.sig"}, {"expiresAt", now + 3'600'000}, {"cachedAt", now}}.dump();
    c.call(cmd("SET", "auth:token:genesys:acme", token, "EX", 3300));
    c.call(cmd("HSET", "auth:token:genesys:wrongtype", "token", "x"));
    c.call(cmd("SET", "lock:nightly-report", "6f1c2a7e-9d1b-4c55-8a0e-2b9f0c3d4e5f", "PX", 600'000));
    c.call(cmd("HSET", "lock:hashlock", "owner", "x"));
    for (const char* id : {"m1", "m2", "m3"}) {
        c.call(cmd("SET", std::string("dedupe:acme:") + id, "1", "EX", 86'400));
    }
    c.call(cmd("SET", "rate:login:u1", "3", "EX", 3600));
    c.call(cmd("ZADD", "rate:api:u2", now, "h1"));
    c.call(cmd("PEXPIRE", "rate:api:u2", 3'600'000));
    for (const char* id : {"s-aaaaaaaa-1111", "s-bbbbbbbb-2222"}) {
        std::string session = json{{"userId", "u1"}, {"createdAt", now}, {"role", "admin"}, {"rememberMe", false}}
                                  .dump();
        c.call(cmd("SET", std::string("session:") + id, session, "EX", 86'400));
        c.call(cmd("SADD", "user:sessions:u1", id));
    }
    c.call(cmd("EXPIRE", "user:sessions:u1", 86'400));
}

// DBSIZE plus DEBUG DIGEST (values, types and expiry times of every key): equal means nothing changed.
std::string fingerprint(redops::redis::Connection& c)
{
    return std::to_string(c.call(cmd("DBSIZE")).as_integer("DBSIZE")) + "/" +
           c.call(cmd("DEBUG", "DIGEST")).as_string("DIGEST");
}

std::string substitute(std::string text, const std::map<std::string, std::string>& values)
{
    for (const auto& [name, value] : values) {
        for (auto pos = text.find(name); pos != std::string::npos; pos = text.find(name, pos + value.size())) {
            text.replace(pos, name.size(), value);
        }
    }
    return text;
}

void write_files(const std::filesystem::path& dir, const std::map<std::string, std::string>& values)
{
    for (const auto& [name, content] : redops::test::matrix_files()) {
        std::ofstream(dir / name) << substitute(content, values);
    }
}

std::string describe(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
{
    std::string text;
    for (const auto& [name, value] : env) {
        text += fmt::format("{}={} ", name, value);
    }
    for (const auto& arg : args) {
        text += arg + " ";
    }
    return text;
}

struct Prepared {
    std::vector<std::string> args;
    RunOptions options;
};

Prepared prepare(const MatrixRow& row, const std::map<std::string, std::string>& values, bool json_mode)
{
    Prepared p;
    bool has_json = std::find(row.args.begin(), row.args.end(), "--json") != row.args.end();
    if (json_mode && !has_json) {
        p.args.emplace_back("--json");
    }
    if (row.connect) {
        p.args.insert(p.args.end(), {"--url", values.at("@URL@")});
    }
    for (const auto& arg : row.args) {
        p.args.push_back(substitute(arg, values));
    }
    p.options.env["REDIS_PASSWORD"] = values.at("@PW@"); // every row carries the password, so every path is checked
    for (const auto& [name, value] : row.env) {
        p.options.env[name] = substitute(value, values);
    }
    p.options.stdin_data = row.stdin_data;
    p.options.timeout = std::chrono::milliseconds(60'000);
    return p;
}

} // namespace

TEST_CASE("bad-input matrix: every refusal has its exit code and message and changes nothing", "[matrix]")
{
    const std::string password = redops::test::k_matrix_password;
    RedisServer server(ServerConfig{.requirepass = password, .extra_args = {"--enable-debug-command", "yes"}});
    // A cluster node found out by the handshake (no --cluster): one node without slots is enough for that.
    // Its bus port is picked by the fixture: derived (port + 10000) it would need a port of at most 55535.
    RedisServer cluster_node(
        ServerConfig{.requirepass = password, .extra_args = {"--cluster-enabled", "yes"}, .pick_cluster_port = true});
    auto admin = redops::redis::Connection::open(server.options());
    seed(admin);
    const std::string before = fingerprint(admin);
    const std::map<std::string, std::string> values{{"@URL@", server.url()},
                                                    {"@CLUSTER@", cluster_node.url()},
                                                    {"@PW@", password},
                                                    {"@DIR@", server.dir().string()}};
    write_files(server.dir(), values);

    const auto rows = redops::test::matrix_rows();
    CHECK(rows.size() >= 80);
    auto started = std::chrono::steady_clock::now();
    for (const auto& row : rows) {
        for (bool json_mode : {false, true}) {
            if (json_mode && row.nagios) {
                continue; // a Nagios verdict is its own format, with or without --json
            }
            Prepared p = prepare(row, values, json_mode);
            const std::string fragment = substitute(row.fragment, values);
            auto r = redops::test::run_redops(p.args, p.options);
            INFO(describe(p.args, row.env)
                 << "\nexit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
            CHECK(r.exit_code == row.exit_code);
            CHECK(r.out.find(password) == std::string::npos);
            CHECK(r.err.find(password) == std::string::npos);
            if (row.nagios) {
                CHECK(r.out.rfind("REDIS UNKNOWN - ", 0) == 0);
                CHECK(r.out.find(fragment) != std::string::npos);
            } else {
                CHECK(r.err.find(fragment) != std::string::npos);
            }
            if (json_mode) {
                json doc = json::parse(r.out, nullptr, false);
                REQUIRE_FALSE(doc.is_discarded());
                CHECK(doc["ok"] == false);
                CHECK(doc["error"]["kind"].is_string());
                CHECK(doc["error"]["message"].get<std::string>().find(fragment) != std::string::npos);
            }
            CHECK(fingerprint(admin) == before);
        }
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    WARN("bad-input matrix: " << rows.size() << " rows in " << elapsed.count() << " ms");
}

TEST_CASE("bad-input matrix: declining a prompt exits 2 everywhere and deletes nothing", "[matrix]")
{
    const std::string password = redops::test::k_matrix_password;
    RedisServer server(ServerConfig{.requirepass = password, .extra_args = {"--enable-debug-command", "yes"}});
    auto admin = redops::redis::Connection::open(server.options());
    seed(admin);
    const std::string before = fingerprint(admin);
    const std::vector<std::vector<std::string>> prompts{
        {"token", "flush", "--provider", "genesys", "--all-tenants"},
        {"sessions", "invalidate", "--user", "u1"},
        {"sessions", "prune", "--all-users"},
        {"lock", "release", "nightly-report", "--force"},
        {"ratelimit", "reset", "--resource", "login", "--all-subjects"},
    };
    for (const auto& command : prompts) {
        // script(1) gives redops a terminal, so it asks; the answer "n" comes through that terminal.
        std::string line = std::string("'") + REDOPS_BINARY + "' --url '" + server.url() + "'";
        for (const auto& arg : command) {
            line += " '" + arg + "'";
        }
        auto r = redops::test::run_process({"script", "-qec", line, "/dev/null"},
                                           RunOptions{.env = {{"REDIS_PASSWORD", password}}, .stdin_data = "n\n"});
        INFO(line << "\nexit " << r.exit_code << "\noutput: " << r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("[y/N]") != std::string::npos);
        CHECK(r.out.find("not confirmed") != std::string::npos);
        CHECK(fingerprint(admin) == before);
    }
}
