// Output for people end to end: progress only on a terminal, prompts that name count, pattern and target,
// --quiet on every command, humanised durations and tables that fit the terminal.
#include "output/text_width.h"
#include "process.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

using redops::redis::cmd;
using redops::test::RedisServer;
using redops::test::run_process;
using redops::test::run_redops;
using redops::test::RunOptions;

namespace {

void seed_tokens(RedisServer& server, int count)
{
    auto conn = redops::redis::Connection::open(server.options());
    std::vector<redops::redis::Command> commands;
    for (int i = 0; i < count; ++i) {
        nlohmann::json payload{{"token", "tok" + std::to_string(i)},
                               {"expiresAt", 4102444800000LL},
                               {"cachedAt", 1763800000000LL}};
        commands.push_back(cmd("SET", "auth:token:genesys:t" + std::to_string(i), payload.dump(), "EX", 86'399));
    }
    conn.pipeline(commands);
}

long long dbsize(RedisServer& server)
{
    return redops::redis::Connection::open(server.options()).call(cmd("DBSIZE")).integer;
}

// redops on a terminal: script(1) gives it one (stdin, stdout and stderr), `answer` is typed into it.
redops::test::ProcessResult on_terminal(const RedisServer& server, const std::vector<std::string>& command,
                                        const std::string& answer = "", const std::string& env = "")
{
    std::string line = env + " '" + std::string(REDOPS_BINARY) + "' --url '" + server.url() + "'";
    for (const auto& arg : command) {
        line += " '" + arg + "'";
    }
    return run_process({"script", "-qec", line, "/dev/null"}, RunOptions{.stdin_data = answer});
}

} // namespace

TEST_CASE("bulk progress shows on a terminal and never on a pipe or with --quiet", "[cli][human]")
{
    RedisServer server;
    const std::vector<std::string> flush{"token", "flush", "--provider", "genesys", "--all-tenants", "--yes"};
    // REDOPS_PROGRESS_AFTER_MS=0: progress from the first batch, so the test needs no second-long flush.
    seed_tokens(server, 300);
    auto piped = run_redops({"--url", server.url(), "token", "flush", "--provider", "genesys", "--all-tenants",
                             "--yes"},
                            RunOptions{.env = {{"REDOPS_PROGRESS_AFTER_MS", "0"}}});
    INFO(piped.err);
    CHECK(piped.exit_code == 0);
    CHECK(piped.out == "deleted 300 keys\n");
    CHECK(piped.err.find("keys found") == std::string::npos);
    CHECK(piped.err.find('\r') == std::string::npos);
    CHECK(dbsize(server) == 0);

    seed_tokens(server, 300);
    auto tty = on_terminal(server, flush, "", "REDOPS_PROGRESS_AFTER_MS=0");
    INFO(tty.out);
    CHECK(tty.exit_code == 0);
    CHECK(tty.out.find("token flush: 300 keys found, 300 deleted") != std::string::npos);
    CHECK(tty.out.find("deleted 300 keys") != std::string::npos);
    CHECK(dbsize(server) == 0);

    seed_tokens(server, 300);
    std::vector<std::string> quiet = flush;
    quiet.insert(quiet.begin(), "--quiet");
    auto silent = on_terminal(server, quiet, "", "REDOPS_PROGRESS_AFTER_MS=0");
    CHECK(silent.exit_code == 0);
    CHECK(silent.out.find("keys found") == std::string::npos);
    CHECK(dbsize(server) == 0);
}

TEST_CASE("a bulk prompt states the count found and the pattern and the server and the db", "[cli][human]")
{
    RedisServer server;
    seed_tokens(server, 3);
    auto declined = on_terminal(server, {"token", "flush", "--provider", "genesys", "--all-tenants"}, "n\n");
    INFO(declined.out);
    CHECK(declined.exit_code == 2);
    const std::string question = "Delete 3 token keys matching 'auth:token:genesys:*' on 127.0.0.1:" +
                                 std::to_string(server.port()) + " db 0? [y/N]";
    CHECK(declined.out.find(question) != std::string::npos);
    CHECK(declined.out.find("not confirmed; nothing deleted") != std::string::npos);
    CHECK(dbsize(server) == 3);

    auto conn = redops::redis::Connection::open(server.options());
    conn.call(cmd("SET", "rate:login:u1", "3", "EX", 60));
    auto reset = on_terminal(server, {"ratelimit", "reset", "--resource", "login", "--all-subjects"}, "y\n");
    INFO(reset.out);
    CHECK(reset.exit_code == 0);
    CHECK(reset.out.find("Reset 1 rate-limit key matching 'rate:login:*' on 127.0.0.1:") != std::string::npos);
    CHECK(conn.call(cmd("EXISTS", "rate:login:u1")).integer == 0);
    CHECK(dbsize(server) == 3);
}

TEST_CASE("quiet mode works on every command and leaves stdout and the exit code alone", "[cli][human]")
{
    RedisServer server;
    auto conn = redops::redis::Connection::open(server.options());
    // A TTL of a day less a second prints as "23h59m" for the next 59 s: the two runs compared below see the same
    // table however slow the build (a TTL of 100 s printed "1m40s" in one run and "1m39s" in the next under ASan).
    conn.call(cmd("SET", "dedupe:t:m1", "1", "EX", 86'399));
    struct Row {
        std::vector<std::string> command;
        int exit_code;
    };
    const std::vector<Row> rows{
        {{"dedupe", "check", "--tenant", "t", "--id", "m1", "--id", "m2"}, 1},
        {{"lock", "release", "nightly", "--owner", "not-the-owner"}, 1},
        {{"sessions", "invalidate", "--session", "nothing-here", "--dry-run"}, 1},
        {{"token", "flush", "--provider", "genesys", "--all-tenants", "--dry-run"}, 0},
        {{"ping"}, 0},
    };
    for (const auto& row : rows) {
        std::vector<std::string> loud{"--url", server.url()};
        loud.insert(loud.end(), row.command.begin(), row.command.end());
        std::vector<std::string> quiet = loud;
        quiet.push_back("-q"); // a global option after the command works too
        auto a = run_redops(loud);
        auto b = run_redops(quiet);
        INFO(row.command.front() << "\nloud: " << a.err << "\nquiet: " << b.err);
        CHECK(a.exit_code == row.exit_code);
        CHECK(b.exit_code == row.exit_code);
        CHECK(b.err.empty());
        if (row.command[0] != "ping") {
            CHECK(a.out == b.out); // stdout unchanged (ping's latency differs per run)
        }
    }
    // lock acquire: the owner token still goes to stdout, the note about the lock does not go to stderr.
    auto acquired = run_redops({"--url", server.url(), "-q", "lock", "acquire", "nightly"});
    CHECK(acquired.exit_code == 0);
    CHECK(acquired.out.size() > 30);
    CHECK(acquired.err.empty());
    auto held = run_redops({"--url", server.url(), "lock", "acquire", "nightly"});
    CHECK(held.exit_code == 1);
    CHECK(held.err.find("held by another owner") != std::string::npos);
    auto held_quiet = run_redops({"--url", server.url(), "lock", "acquire", "nightly", "--quiet"});
    CHECK(held_quiet.exit_code == 1);
    CHECK(held_quiet.err.empty());
}

TEST_CASE("tables show durations for people and fit the terminal width", "[cli][human]")
{
    RedisServer server;
    auto conn = redops::redis::Connection::open(server.options());
    const std::string long_tenant = "tenant-" + std::string(120, 'x') + "-end";
    nlohmann::json payload{{"token", "tok"}, {"expiresAt", 4102444800000LL}, {"cachedAt", 1763800000000LL}};
    conn.call(cmd("SET", "auth:token:genesys:" + long_tenant, payload.dump(), "EX", 86'399));
    conn.call(cmd("SET", "auth:token:genesys:short", payload.dump(), "EX", 45));

    auto piped = run_redops({"--url", server.url(), "token", "list"});
    CHECK(piped.out.find(long_tenant) != std::string::npos); // not a terminal: printed whole
    CHECK(piped.out.find("23h59m") != std::string::npos);
    // 45 s when set; a slow (sanitizer) build may list it a few seconds later.
    CHECK(std::regex_search(piped.out, std::regex(R"(\b(3[0-9]|4[0-5])s\b)")));

    auto tty = on_terminal(server, {"--color", "never", "token", "list"}, "", "stty cols 80 2>/dev/null; COLUMNS=80");
    INFO(tty.out);
    CHECK(tty.exit_code == 0);
    CHECK(tty.out.find(long_tenant) == std::string::npos);
    CHECK(tty.out.find("tenant-") != std::string::npos); // the head of the shortened cell
    CHECK(tty.out.find("x-end") != std::string::npos);
    CHECK(tty.out.find("\u2026") != std::string::npos);
    std::size_t start = 0;
    for (std::size_t end = tty.out.find('\n'); end != std::string::npos; end = tty.out.find('\n', start)) {
        std::string line = tty.out.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        CHECK(redops::output::display_width(line) <= 80);
        start = end + 1;
    }
}
