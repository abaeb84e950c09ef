// `redops ping` and the global behaviour of the binary end to end: JSON shape, exit codes, auth, timeouts.
#include "process.h"
#include "redis_server.h"
#include "target.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::RunOptions;
using redops::test::ServerConfig;
using redops::test::TestTarget;
using json = nlohmann::json;

TEST_CASE("ping prints a table and exits 0", "[cli][ping][portable]")
{
    TestTarget target;
    auto r = target.redops({"ping"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("NODE") != std::string::npos);
    CHECK(r.out.find("master") != std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == target.node_count() + 1);
    CHECK(r.out.find("\x1b[") == std::string::npos); // no colour off a TTY
}

TEST_CASE("ping -o json gives one document with nodes", "[cli][ping][portable]")
{
    TestTarget target;
    for (auto args : {std::vector<std::string>{"-o", "json", "ping"}, std::vector<std::string>{"ping", "--json"}}) {
        auto r = target.redops(args);
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        json doc = json::parse(r.out);
        CHECK(doc["ok"] == true);
        REQUIRE(doc["nodes"].size() == static_cast<size_t>(target.node_count()));
        CHECK(doc["nodes"][0]["latency_ms"].is_number());
        CHECK(doc["nodes"][0]["version"].get<std::string>().rfind("7.", 0) == 0);
        CHECK(doc["nodes"][0]["role"] == "master");
    }
}

TEST_CASE("ping --count collects min/avg/max", "[cli][ping]")
{
    RedisServer server;
    auto r = run_redops(
        {"--port", std::to_string(server.port()), "ping", "--count", "3", "--interval", "10ms", "--json"});
    REQUIRE(r.exit_code == 0);
    json node = json::parse(r.out)["nodes"][0];
    CHECK(node["samples"] == 3);
    CHECK(node["min_latency_ms"].get<double>() <= node["max_latency_ms"].get<double>());
}

TEST_CASE("ping thresholds and nagios format", "[cli][ping][portable]")
{
    TestTarget target;
    auto crit = target.redops({"ping", "--crit", "0"});
    CHECK(crit.exit_code == 1);
    auto warn = target.redops({"ping", "--warn", "0"});
    CHECK(warn.exit_code == 0);
    auto nagios_ok = target.redops({"ping", "--format", "nagios"});
    CHECK(nagios_ok.exit_code == 0);
    CHECK(nagios_ok.out.rfind("REDIS OK - ", 0) == 0);
    CHECK(nagios_ok.out.find("|") != std::string::npos);
    auto nagios_warn = target.redops({"ping", "--format", "nagios", "--warn", "0"});
    CHECK(nagios_warn.exit_code == 1);
    CHECK(nagios_warn.out.rfind("REDIS WARNING", 0) == 0);
    auto nagios_crit = target.redops({"ping", "--format", "nagios", "--warn", "0", "--crit", "0"});
    CHECK(nagios_crit.exit_code == 2);
    auto nagios_down = run_redops({"--url", "redis://127.0.0.1:1", "ping", "--format", "nagios"});
    CHECK(nagios_down.exit_code == 2);
    CHECK(nagios_down.out.rfind("REDIS CRITICAL", 0) == 0);
}

TEST_CASE("unreachable Redis: exit 3 quickly with one line, JSON error document", "[cli][errors]")
{
    const auto start_up = run_redops({"--version"}).elapsed; // what this build on this host needs just to start
    auto r = run_redops({"--url", "redis://127.0.0.1:1", "ping"});
    CHECK(r.exit_code == 3);
    CHECK(r.elapsed <
          std::chrono::milliseconds(1500) + 2 * start_up); // refused at once: well inside the 2 s connect timeout
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("redops: error: ", 0) == 0);

    auto j = run_redops({"--url", "redis://127.0.0.1:1", "ping", "-o", "json"});
    CHECK(j.exit_code == 3);
    json doc = json::parse(j.out);
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "connection");
    CHECK(!doc["error"]["message"].get<std::string>().empty());
}

TEST_CASE("a peer that never answers: --timeout 500ms exits 3 saying it timed out", "[cli][errors][timeout]")
{
    redops::test::SilentPeer peer;
    const auto start_up = run_redops({"--version"}).elapsed; // what this build on this host needs just to start
    auto r = run_redops({"--port", std::to_string(peer.port()), "ping", "--timeout", "500ms"});
    CHECK(r.exit_code == 3);
    // The 500 ms deadline, plus start-up and exit twice over (a sanitizer build on a loaded host takes 1 s to start):
    // still under the 5 s default timeout, so a run that ignored --timeout fails.
    INFO("start-up " << start_up.count() << " ms");
    CHECK(r.elapsed < std::min<std::chrono::milliseconds>(std::chrono::milliseconds(2000) + 2 * start_up,
                                                          std::chrono::milliseconds(4500)));
    CHECK(r.err.find("timed out") != std::string::npos);
}

TEST_CASE("wrong password: exit 3, says authentication failed, never prints the password", "[cli][auth]")
{
    RedisServer server(ServerConfig{.requirepass = "right-horse-battery"});
    auto wrong = run_redops({"--port", std::to_string(server.port()), "ping"},
                            RunOptions{.env = {{"REDIS_PASSWORD", "Tr0ub4dor"}}});
    CHECK(wrong.exit_code == 3);
    CHECK(wrong.err.find("authentication failed") != std::string::npos);
    CHECK(wrong.err.find("Tr0ub4dor") == std::string::npos);
    CHECK(wrong.out.find("Tr0ub4dor") == std::string::npos);

    auto right = run_redops({"--port", std::to_string(server.port()), "ping"},
                            RunOptions{.env = {{"REDISCLI_AUTH", "right-horse-battery"}}});
    CHECK(right.exit_code == 0);

    auto missing = run_redops({"--port", std::to_string(server.port()), "ping"});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("authentication required") != std::string::npos);

    auto on_argv = run_redops({"--port", std::to_string(server.port()), "-a", "right-horse-battery", "ping"});
    CHECK(on_argv.exit_code == 0);
    CHECK(on_argv.err.find("visible to other users") != std::string::npos);
}

TEST_CASE("password file and ACL user from the URL", "[cli][auth]")
{
    RedisServer server(ServerConfig{.acl_users = {"user ops on >p%40ss ~* +@all"}});
    auto url = "redis://ops:p%2540ss@127.0.0.1:" + std::to_string(server.port());
    auto r = run_redops({"--url", url, "ping", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 0);

    auto file = server.dir() / "password";
    std::ofstream(file) << "p%40ss\n";
    auto f = run_redops(
        {"--port", std::to_string(server.port()), "--user", "ops", "--password-file", file.string(), "ping"});
    CHECK(f.exit_code == 0);
}

TEST_CASE("unix socket URL", "[cli][ping]")
{
    RedisServer server(ServerConfig{.unix_socket = true});
    auto r = run_redops({"--url", "unix://" + server.unix_path(), "ping", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out)["nodes"][0]["address"] == server.unix_path());
}

TEST_CASE("malformed URL, duration and flags are usage errors (exit 2) naming the value", "[cli][errors]")
{
    auto url = run_redops({"--url", "redis://host:99999", "ping"});
    CHECK(url.exit_code == 2);
    CHECK(url.err.find("99999") != std::string::npos);

    auto duration = run_redops({"ping", "--timeout", "5 parsecs"});
    CHECK(duration.exit_code == 2);
    CHECK(duration.err.find("5 parsecs") != std::string::npos);

    auto flag = run_redops({"ping", "--no-such-flag"});
    CHECK(flag.exit_code == 2);

    auto none = run_redops({});
    CHECK(none.exit_code == 2);

    auto json_usage = run_redops({"--json", "ping", "--count", "zero"});
    CHECK(json_usage.exit_code == 2);
    CHECK(json::parse(json_usage.out)["error"]["kind"] == "usage");
}

TEST_CASE("REDIS_URL and a config-file profile select the server and config show names sources", "[cli][config]")
{
    RedisServer server;
    auto env = run_redops({"ping"}, RunOptions{.env = {{"REDIS_URL", server.url()}}});
    CHECK(env.exit_code == 0);

    auto file = server.dir() / "config.json";
    std::ofstream(file) << "{\n  // comments are allowed\n  \"profiles\": {\"local\": {\"port\": " << server.port()
                        << ", \"keys\": {\"token\": \"genesys:token:{tenant}\"}}}\n}\n";
    auto profile = run_redops({"--config", file.string(), "--profile", "local", "ping"});
    INFO(profile.err);
    CHECK(profile.exit_code == 0);

    auto show = run_redops({"--config", file.string(), "--profile", "local", "config", "show", "--json"},
                           RunOptions{.env = {{"REDIS_PASSWORD", "hunter2"}}});
    INFO(show.err);
    REQUIRE(show.exit_code == 0);
    CHECK(show.out.find("hunter2") == std::string::npos);
    json settings = json::parse(show.out)["settings"];
    // Typed values under nested snake_case keys: the port a number, the password masked, what is unset null.
    CHECK(settings["connection"]["port"]["value"] == server.port());
    CHECK(settings["connection"]["port"]["source"].get<std::string>().find("local") != std::string::npos);
    CHECK(settings["connection"]["password"]["value"] == "***");
    CHECK(settings["connection"]["password"]["source"].get<std::string>().find("REDIS_PASSWORD") != std::string::npos);
    CHECK(settings["keys"]["token"]["value"] == "genesys:token:{tenant}");
    CHECK(settings["connection"]["host"]["source"] == "default");
    CHECK(settings["connection"]["user"]["value"].is_null());
    CHECK(settings["connection"]["tls"]["enabled"]["value"] == false);
    CHECK(settings["defaults"]["lock_ttl_ms"]["value"].is_number_integer());

    auto bad_template = server.dir() / "bad.json";
    std::ofstream(bad_template) << R"({"keys": {"lock": "lock:{nmae}"}})";
    auto bad = run_redops({"--config", bad_template.string(), "config", "show"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("lock:{nmae}") != std::string::npos);
}

TEST_CASE("completion scripts are generated for bash, zsh and fish", "[cli][completion]")
{
    auto bash = run_redops({"completion", "bash"});
    CHECK(bash.exit_code == 0);
    CHECK(bash.out.find("complete -F _redops redops") != std::string::npos);
    CHECK(bash.out.find("ping") != std::string::npos);
    CHECK(run_redops({"completion", "fish"}).exit_code == 0);
    CHECK(run_redops({"completion", "zsh"}).exit_code == 0);
    CHECK(run_redops({"completion", "tcsh"}).exit_code == 2);
}

TEST_CASE("-h is the host as in redis-cli and --help is help", "[cli][ping]")
{
    RedisServer server;
    auto ok = run_redops({"-h", "127.0.0.1", "-p", std::to_string(server.port()), "ping", "--json"});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(json::parse(ok.out)["ok"] == true);
    // A health check that uses redis-cli's -h must really contact that host: unreachable is exit 3, not help.
    auto down = run_redops({"-h", "127.0.0.1", "-p", std::to_string(redops::test::free_port()), "ping", "-o", "json"});
    CHECK(down.exit_code == 3);
    CHECK(json::parse(down.out)["ok"] == false);
    auto after = run_redops({"ping", "-h", "127.0.0.1", "-p", std::to_string(server.port())});
    CHECK(after.exit_code == 0);
    auto help = run_redops({"--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("-h,--host"));
    auto sub_help = run_redops({"ping", "--help"});
    CHECK(sub_help.exit_code == 0);
    auto typo = run_redops({"pign"});
    CHECK(typo.exit_code == 2);
    CHECK_THAT(typo.err, Catch::Contains("unknown command 'pign'; did you mean 'ping'?"));
}
