// Every write checks the type and shape of what its key holds, in the same script as the write: a key holding
// another kind's data (or another algorithm's rate-limit state) is refused with exit 4 and left unchanged.
#include "process.h"
#include "redis/connection.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::test::ProcessResult;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

// What a key holds, byte for byte (DUMP), and whether it still expires: "unchanged" means both.
struct Snapshot {
    std::string dump;
    bool expires = false;

    bool operator==(const Snapshot& other) const { return dump == other.dump && expires == other.expires; }
};

Snapshot snapshot(TestTarget& target, const std::string& key)
{
    auto& client = target.client();
    Snapshot s;
    redops::redis::Reply dump = client.call(cmd("DUMP", key));
    s.dump = dump.is_nil() ? "<none>" : dump.str;
    s.expires = client.call(cmd("PTTL", key)).integer >= 0;
    return s;
}

// Exit 4, kind "data" in the JSON error, and a message naming the key and what it holds.
void require_refused(const ProcessResult& r, const std::string& key, const std::string& found)
{
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("\"" + key + "\"") != std::string::npos);
    CHECK(r.err.find(found) != std::string::npos);
    if (!r.out.empty()) {
        CHECK(json::parse(r.out)["error"]["kind"] == "data");
    }
}

std::vector<std::string> rate(const std::string& subject, const std::string& algorithm, std::vector<std::string> extra)
{
    std::vector<std::string> args{"--json",  "ratelimit", "test",     "--resource", "api",         "--subject", subject,
                                  "--limit", "5",         "--window", "10s",        "--algorithm", algorithm};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

TEST_CASE("ratelimit on another algorithm's state exits 4 naming the key and the state and changes nothing",
          "[cli][ratelimit][guard][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("SET", "rate:api:f2", "3", "EX", "100")); // the services' fixed-window counter
    client.call(cmd("ZADD", "rate:api:z1", "1700000000000", "1700000000000-0"));
    client.call(cmd("HSET", "rate:api:h1", "f", "v"));
    // Real GCRA state written by redops, one hit of a 1-per-hour limit: its TAT stays an hour ahead all test long.
    const std::vector<std::string> hourly{"ratelimit", "test", "--resource", "api", "--subject",   "g1",
                                          "--limit",   "1",    "--window",   "1h",  "--algorithm", "gcra"};
    REQUIRE(target.redops(hourly).exit_code == 0);
    struct Case {
        std::string subject;
        std::string found;
        std::vector<std::string> refusing;
    };
    const std::vector<Case> cases{{"f2", "fixed-window counter (3)", {"gcra", "sliding-log"}},
                                  {"z1", "a zset", {"gcra", "fixed-window"}},
                                  {"g1", "a GCRA timestamp", {"fixed-window", "sliding-log"}},
                                  {"h1", "a hash", {"gcra", "fixed-window", "sliding-log"}}};
    for (const auto& c : cases) {
        const std::string key = "rate:api:" + c.subject;
        const Snapshot before = snapshot(target, key);
        for (const auto& algorithm : c.refusing) {
            INFO(key << " with " << algorithm);
            require_refused(target.redops(rate(c.subject, algorithm, {})), key, c.found);
            require_refused(target.redops(rate(c.subject, algorithm, {"--requests", "3", "--concurrency", "2"})), key,
                            c.found);
            // --peek never reads another algorithm's state as its own: it refuses the same way (exit 4).
            require_refused(target.redops(rate(c.subject, algorithm, {"--peek"})), key, c.found);
            CHECK(snapshot(target, key) == before);
        }
    }
    // Its own algorithm still works on each of them.
    CHECK(target.redops(rate("f2", "fixed-window", {})).exit_code == 0);
    CHECK(client.call(cmd("GET", "rate:api:f2")).str == "4");
    CHECK(target.redops(rate("z1", "sliding-log", {})).exit_code == 0);
    std::vector<std::string> peek = hourly;
    peek.push_back("--peek");
    CHECK(target.redops(peek).exit_code == 1); // limited: the one hit of the hour is used
}

TEST_CASE("dedupe check on a key of another type exits 4 and leaves it unchanged with or without --mark",
          "[cli][dedupe][guard][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("HSET", "dedupe:t1:m1", "f", "v"));
    const Snapshot before = snapshot(target, "dedupe:t1:m1");
    for (std::vector<std::string> extra : {std::vector<std::string>{}, std::vector<std::string>{"--mark"}}) {
        std::vector<std::string> args{"--json", "dedupe", "check", "--tenant", "t1", "--id", "m1"};
        args.insert(args.end(), extra.begin(), extra.end());
        require_refused(target.redops(args), "dedupe:t1:m1", "a hash");
        CHECK(snapshot(target, "dedupe:t1:m1") == before);
    }
    // With other ids in the same run, the refusal says what else was done.
    auto mixed = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m0", "--id", "m1", "--mark"});
    require_refused(mixed, "dedupe:t1:m1", "a hash");
    CHECK(mixed.err.find("1 other ids were newly marked") != std::string::npos);
    CHECK(snapshot(target, "dedupe:t1:m1") == before);
    // A real mark is still a duplicate.
    client.call(cmd("SET", "dedupe:t1:m2", "1", "EX", "100"));
    CHECK(target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m2"}).exit_code == 1);
}

TEST_CASE("token set over a key of another type exits 4 and leaves it unchanged", "[cli][token][guard][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("RPUSH", "auth:token:p1:t1", "a", "b"));
    const Snapshot before = snapshot(target, "auth:token:p1:t1");
    auto r = target.redops({"--json", "token", "set", "--provider", "p1", "--tenant", "t1", "--expires-in", "3600"},
                           RunOptions{.stdin_data = "eyJhbGciOi.token.sig\n"});
    require_refused(r, "auth:token:p1:t1", "a list");
    CHECK(snapshot(target, "auth:token:p1:t1") == before);
    // A string (a stale payload) is still overwritten, as the services do.
    client.call(cmd("SET", "auth:token:p1:t2", "garbage"));
    CHECK(target
              .redops({"token", "set", "--provider", "p1", "--tenant", "t2", "--expires-in", "3600"},
                      RunOptions{.stdin_data = "eyJhbGciOi.token.sig\n"})
              .exit_code == 0);
}

TEST_CASE("lock acquire release extend and status on a key of another type exit 4 and leave it unchanged",
          "[cli][lock][guard][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("SADD", "lock:L1", "x"));
    client.call(cmd("EXPIRE", "lock:L1", "100"));
    const Snapshot before = snapshot(target, "lock:L1");
    const std::vector<std::vector<std::string>> commands{{"lock", "acquire", "L1"},
                                                         {"lock", "acquire", "L1", "--wait", "300ms"},
                                                         {"lock", "release", "L1", "--owner",
                                                          "00000000-0000-4000-8000-000000000000"},
                                                         {"lock", "extend", "L1", "--owner",
                                                          "00000000-0000-4000-8000-000000000000", "--ttl", "1h"},
                                                         {"lock", "release", "L1", "--force", "--yes"},
                                                         {"lock", "status", "L1"}};
    for (auto args : commands) {
        args.insert(args.begin(), "--json");
        INFO(args[2]);
        require_refused(target.redops(args), "lock:L1", "a set");
        CHECK(snapshot(target, "lock:L1") == before);
    }
}
