// Every --json output shape, produced for real against one redis-server, validated against docs/json/*.schema.json
// by tests/json/validate.py (python3-jsonschema) in one run: happy paths, negative answers and error documents.
#include "fault_proxy.h"
#include "process.h"
#include "redis/command.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "spawned_process.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using redops::redis::cmd;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

// The cases validate.py reads: one JSON object per line.
class Cases {
public:
    explicit Cases(TestTarget& target) : m_target(target) {}

    // Runs redops --json with the command, checks the exit code, and records the output for the schema.
    redops::test::ProcessResult run(const std::string& schema, int expected_exit, std::vector<std::string> command,
                                    const RunOptions& options = {})
    {
        command.insert(command.begin(), "--json");
        auto r = m_target.redops(command, options);
        std::string name = schema;
        for (const auto& word : command) {
            name += " " + word;
        }
        INFO(name << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == expected_exit);
        m_lines += json{{"name", name}, {"schema", schema}, {"exit", r.exit_code}, {"stdout", r.out}}.dump() + "\n";
        return r;
    }

    // Records an output made some other way (another server, raw argv).
    void add(const std::string& name, const std::string& schema, const redops::test::ProcessResult& r)
    {
        m_lines += json{{"name", name}, {"schema", schema}, {"exit", r.exit_code}, {"stdout", r.out}}.dump() + "\n";
    }

    const std::string& text() const { return m_lines; }

private:
    TestTarget& m_target;
    std::string m_lines;
};

// Debian's interpreter and python3-jsonschema when present (what scripts/lib.sh installs), else the PATH's.
std::string python()
{
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

void token_cases(Cases& c, TestTarget& target)
{
    RunOptions token{.stdin_data = "eyJhbGciOiJSUzI1NiJ9.payload.signature\n"};
    c.run("token-set", 0, {"token", "set", "--provider", "genesys", "--tenant", "t1", "--expires-in", "3600"}, token);
    c.run("token-set", 0, {"token", "set", "--provider", "genesys", "--tenant", "t2", "--expires-in", "3600"}, token);
    c.run("token-get", 0, {"token", "get", "--provider", "genesys", "--tenant", "t1"});
    c.run("token-get", 1, {"token", "get", "--provider", "genesys", "--tenant", "nobody"});
    target.client().call(cmd("SET", "auth:token:genesys:broken", "not json"));
    target.client().call(cmd("SADD", "auth:token:genesys:wrongtype", "x"));
    c.run("token-get", 4, {"token", "get", "--provider", "genesys", "--tenant", "wrongtype"});
    c.run("token-get", 2, {"token", "get", "--provider", "genesys"});
    c.run("token-list", 0, {"token", "list", "--provider", "genesys"});
    c.run("token-flush", 0, {"token", "flush", "--provider", "genesys", "--all-tenants", "--dry-run"});
    c.run("token-flush", 2, {"token", "flush", "--provider", "genesys", "--all-tenants"});
    c.run("token-flush", 0, {"token", "flush", "--provider", "genesys", "--tenant", "t1"});
    c.run("token-flush", 0, {"token", "flush", "--provider", "genesys", "--all-tenants", "--yes"});
}

void lock_cases(Cases& c, TestTarget& target)
{
    auto acquired = c.run("lock-acquire", 0, {"lock", "acquire", "job", "--ttl", "30s", "--fence"});
    std::string owner = json::parse(acquired.out).value("owner", "");
    c.run("lock-acquire", 1, {"lock", "acquire", "job"});
    c.run("lock-status", 0, {"lock", "status", "job"});
    c.run("lock-list", 0, {"lock", "list"});
    c.run("lock-extend", 0, {"lock", "extend", "job", "--owner", owner, "--ttl", "1m"});
    c.run("lock-extend", 1, {"lock", "extend", "job", "--owner", "someone-else", "--ttl", "1m"});
    c.run("lock-release", 1, {"lock", "release", "job", "--owner", "someone-else"});
    c.run("lock-release", 0, {"lock", "release", "job", "--owner", owner});
    c.run("lock-status", 1, {"lock", "status", "job"});
    c.run("lock-release", 1, {"lock", "release", "job", "--force", "--yes"});
    c.run("lock-run", 0, {"lock", "run", "job", "--ttl", "10s", "--", "true"});
    c.run("lock-run", 3, {"lock", "run", "job", "--ttl", "10s", "--", "sh", "-c", "exit 3"});
    // A lock whose EXPIRE never ran: its TTL is null, never -1.
    target.client().call(cmd("SET", "lock:forever", "owner-without-ttl"));
    c.run("lock-status", 0, {"lock", "status", "forever"});
    c.run("lock-acquire", 1, {"lock", "acquire", "forever"});
    c.run("lock-run", 1, {"lock", "run", "forever", "--", "true"});
    c.run("lock-list", 0, {"lock", "list", "--match", "forever"});
    c.run("lock-release", 0, {"lock", "release", "forever", "--force", "--yes"});
}

void dedupe_cases(Cases& c)
{
    c.run("dedupe-check", 0, {"dedupe", "check", "--tenant", "t1", "--id", "m1", "--id", "m2", "--mark"});
    c.run("dedupe-check", 1, {"dedupe", "check", "--tenant", "t1", "--id", "m1", "--id", "m3"});
    c.run("dedupe-forget", 0, {"dedupe", "forget", "--tenant", "t1", "--id", "m1"});
    c.run("dedupe-forget", 1, {"dedupe", "forget", "--tenant", "t1", "--id", "m1"});
    c.run("dedupe-check", 2, {"dedupe", "check", "--tenant", "t1"});
}

void ratelimit_cases(Cases& c, TestTarget& target)
{
    for (std::string algorithm : {"fixed-window", "sliding-log", "gcra"}) {
        std::vector<std::string> hit{"ratelimit", "test", "--resource", "api", "--subject",   algorithm,
                                     "--limit",   "1",    "--window",   "1m",  "--algorithm", algorithm};
        c.run("ratelimit-test", 0, hit);
        c.run("ratelimit-test", 1, hit); // limited: retry_after_ms is a number
        auto peek = hit;
        peek.emplace_back("--peek");
        c.run("ratelimit-test", 1, peek);
        std::vector<std::string> load{"ratelimit",  "test", "--resource",    "api", "--subject",   algorithm + "-load",
                                      "--limit",    "2",    "--window",      "1m",  "--algorithm", algorithm,
                                      "--requests", "3",    "--concurrency", "2"};
        c.run("ratelimit-test", 0, load);
    }
    // A counter whose EXPIRE never ran: peek says no_ttl and claims no reset time.
    target.client().call(cmd("SET", "rate:api:stuck", "5"));
    c.run("ratelimit-test", 0,
          {"ratelimit", "test", "--resource", "api", "--subject", "stuck", "--limit", "10", "--window", "1m",
           "--peek"});
    c.run("ratelimit-test", 0,
          {"ratelimit", "test", "--resource", "api", "--subject", "stuck", "--limit", "10", "--window", "1m"});
    c.run("ratelimit-test", 0,
          {"ratelimit", "test", "--resource", "api", "--subject", "fresh", "--limit", "5", "--window", "1m", "--peek"});
    c.run("ratelimit-test", 0, {"ratelimit", "test", "--resource", "api", "--subject", "d", "--degraded"});
    c.run("ratelimit-test", 0,
          {"ratelimit", "test", "--resource", "api", "--subject", "d", "--degraded", "--requests", "12"});
    c.run("ratelimit-test", 4,
          {"ratelimit", "test", "--resource", "api", "--subject", "gcra", "--limit", "1", "--window", "1m",
           "--algorithm", "fixed-window"});
    c.run("ratelimit-reset", 0, {"ratelimit", "reset", "--resource", "api", "--subject", "gcra"});
    c.run("ratelimit-reset", 1, {"ratelimit", "reset", "--resource", "api", "--subject", "gcra"});
    c.run("ratelimit-reset", 0, {"ratelimit", "reset", "--resource", "api", "--all-subjects", "--dry-run"});
    c.run("ratelimit-reset", 0, {"ratelimit", "reset", "--resource", "api", "--all-subjects", "--yes"});
}

void session_cases(Cases& c, TestTarget& target)
{
    auto& conn = target.client();
    for (std::string id : {"aaaaaaaa-1", "bbbbbbbb-2"}) {
        json payload{{"userId", "u1"}, {"createdAt", 1763800000000LL}, {"role", "agent"}, {"rememberMe", false}};
        conn.call(cmd("SET", "session:" + id, payload.dump(), "EX", 3600));
        conn.call(cmd("SADD", "user:sessions:u1", id));
    }
    conn.call(cmd("SET", "session:cccccccc-3", "{broken"));
    conn.call(cmd("SADD", "user:sessions:u1", "cccccccc-3", "stale000-4"));
    c.run("sessions-list", 0, {"sessions", "list", "--user", "u1"});
    c.run("sessions-list", 0, {"sessions", "list", "--all"});
    c.run("sessions-list", 0, {"sessions", "list", "--user", "u1", "--count"});
    c.run("sessions-invalidate", 0, {"sessions", "invalidate", "--user", "u1", "--dry-run"});
    c.run("sessions-invalidate", 0, {"sessions", "invalidate", "--user", "u1", "--session", "aaaaaaaa-1"});
    c.run("sessions-invalidate", 2, {"sessions", "invalidate", "--user", "u1"});
    c.run("sessions-prune", 0, {"sessions", "prune", "--user", "u1"});
    auto all = c.run("sessions-invalidate", 0, {"sessions", "invalidate", "--user", "u1", "--yes"});
    CHECK(json::parse(all.out)["index_deleted"] == true);
    c.run("sessions-invalidate", 1, {"sessions", "invalidate", "--user", "u1", "--yes"});
}

} // namespace

// redops --json with argv against a server of its own, signalled with `sig` once `ready` says the work is part way.
redops::test::ProcessResult interrupted(std::vector<std::string> argv, int sig, const std::function<bool()>& ready)
{
    argv.insert(argv.begin(), {REDOPS_BINARY, "--json", "--timeout", "20s"});
    redops::test::SpawnedProcess process(argv);
    REQUIRE(redops::test::eventually(ready, std::chrono::seconds(60)));
    process.signal(sig);
    redops::test::ProcessResult r;
    r.exit_code = process.wait(std::chrono::seconds(30)).value_or(-1);
    r.out = process.out();
    r.err = process.err();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 128 + sig);
    return r;
}

// doctor on a server of its own: clean, with findings, a dry run, repairs, and repairs stopped by a signal; and
// the error document of a flush stopped by one.
void doctor_cases(Cases& c)
{
    using redops::test::FaultProxy;
    using redops::test::ProxyMode;
    redops::test::RedisServer server;
    const std::string port = std::to_string(server.port());
    auto doctor = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--json", "-p", port, "doctor"});
        return redops::test::run_redops(args);
    };
    c.add("doctor, nothing stored", "doctor", doctor({}));
    auto admin = redops::redis::Connection::open(server.options());
    admin.call(cmd("SET", "lock:deploy", "owner-token"));                   // no_ttl, repaired
    admin.call(cmd("SET", "auth:token:g:acme", "not json", "EX", 600));     // malformed, reported
    admin.call(cmd("SET", "session:s-1", R"({"userId":"u1"})", "EX", 600)); // unindexed, repaired
    admin.call(cmd("SADD", "user:sessions:u2", "gone-1"));                  // stale, repaired
    admin.call(cmd("SET", "cache:other", "x"));                             // unknown_prefix
    c.add("doctor, findings", "doctor", doctor({}));
    c.add("doctor --fix --dry-run", "doctor", doctor({"--fix", "--dry-run"}));
    c.add("doctor --fix --yes", "doctor", doctor({"--fix", "--yes", "--reveal"}));
    c.add("doctor --fix --yes, nothing left to repair", "doctor", doctor({"--fix", "--yes"}));

    std::vector<redops::redis::Command> seed;
    for (int i = 0; i < 5000; ++i) {
        seed.push_back(cmd("SET", "dedupe:t:m" + std::to_string(i), "1"));
        seed.push_back(cmd("SET", "auth:token:p:t" + std::to_string(i), R"({"token":"t"})"));
    }
    admin.pipeline(seed);
    {
        FaultProxy proxy(server.port());
        proxy.set_drip(256, std::chrono::milliseconds(10));
        proxy.arm("EVALSHA", ProxyMode::drip);
        c.add("doctor --fix --yes, stopped by SIGTERM", "doctor",
              interrupted({"--url", proxy.url(), "doctor", "--fix", "--yes", "--kinds", "dedupe"}, SIGTERM,
                          [&] { return proxy.count("EVALSHA") >= 1000; }));
    }
    {
        FaultProxy proxy(server.port());
        proxy.set_drip(2048, std::chrono::milliseconds(10));
        proxy.arm("UNLINK", ProxyMode::drip);
        c.add("token flush, stopped by SIGINT", "token-flush",
              interrupted({"--url", proxy.url(), "token", "flush", "--all", "--yes"}, SIGINT,
                          [&] { return proxy.count("UNLINK") >= 2; }));
    }
}

TEST_CASE("every JSON output validates against its schema in docs/json", "[cli][json]")
{
    TestTarget target;
    Cases c(target);
    c.run("config-show", 0, {"config", "show"});
    c.run("ping", 0, {"ping"});
    c.run("monitor-line", 0, {"monitor", "--count", "2", "--interval", "100ms", "--keys"});
    token_cases(c, target);
    lock_cases(c, target);
    dedupe_cases(c);
    ratelimit_cases(c, target);
    session_cases(c, target);
    // With the layer's keys in place: the census figures (no TTL per kind, locks, tokens, stale index entries).
    c.run("monitor-line", 0, {"monitor", "--once", "--keys"});

    // Nobody listens: the error document (exit 3), and ping's own document naming the unreachable node.
    std::string port = std::to_string(redops::test::free_port());
    c.add("token get, nobody listening", "token-get",
          redops::test::run_redops({"--json", "-p", port, "token", "get", "--provider", "g", "--tenant", "t"}));
    c.add("ping, nobody listening", "ping", redops::test::run_redops({"--json", "-p", port, "ping"}));
    c.add("usage error before parsing", "token-get",
          redops::test::run_redops({"--json", "token", "get", "--no-such-flag"}));
    doctor_cases(c);

    std::filesystem::path cases = target.dir() / "json_cases.jsonl";
    std::ofstream(cases) << c.text();
    auto r = redops::test::run_process(
        {python(), REDOPS_SOURCE_DIR "/tests/json/validate.py", REDOPS_SOURCE_DIR "/docs/json", cases.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(" 0 failures") != std::string::npos);
}
