// `redops sessions` end to end: TTL classes, stale and malformed entries, invalidation, prefixes, streaming --all.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "target.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::redis::Connection;
using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

void add_session(redops::redis::Client& conn, const std::string& id, const std::string& user, const std::string& value,
                 long long ttl_s)
{
    conn.call(cmd("SET", "session:" + id, value, "EX", ttl_s));
    conn.call(cmd("SADD", "user:sessions:" + user, id));
}

std::string payload(const std::string& user, bool remember)
{
    return json{
        {"userId", user}, {"createdAt", 1763800000000LL}, {"role", "agent"}, {"rememberMe", remember}, {"tenant", "t9"}}
        .dump();
}

json list_json(const TestTarget& target, const std::string& user)
{
    auto r = target.redops({"--json", "--reveal", "sessions", "list", "--user", user});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

const json* find_id(const json& doc, const std::string& id)
{
    for (const auto& s : doc["sessions"]) {
        if (s["id"] == id) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("sessions list shows TTL classes and rememberMe and stale and malformed entries with masked ids",
          "[cli][sessions][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    add_session(conn, "aaaaaaaa-1111", "u1", payload("u1", false), 86'400);
    add_session(conn, "bbbbbbbb-2222", "u1", payload("u1", false), 86'400);
    add_session(conn, "cccccccc-3333", "u1", payload("u1", true), 90LL * 86'400);
    conn.call(cmd("SADD", "user:sessions:u1", "dddddddd-gone"));
    add_session(conn, "eeeeeeee-bad0", "u1", "not json", 100);
    add_session(conn, "ffffffff-noid", "u1", R"({"createdAt":1})", 100);

    json doc = list_json(target, "u1");
    CHECK(doc["total"] == 6);
    CHECK(doc["stale"] == 1);
    CHECK(doc["malformed"] == 2);
    CHECK(doc["ok"] == true);
    const json* day = find_id(doc, "aaaaaaaa-1111");
    const json* remember = find_id(doc, "cccccccc-3333");
    REQUIRE(day);
    REQUIRE(remember);
    CHECK((*day)["ttl_s"].get<long long>() > 86'000);
    CHECK((*day)["ttl_s"].get<long long>() <= 86'400);
    CHECK((*day)["remember_me"] == false);
    CHECK((*day)["role"] == "agent");
    CHECK((*day)["fields"]["tenant"] == "t9");
    CHECK((*day)["created_at"] == "2025-11-22T08:26:40.000Z");
    CHECK((*remember)["ttl_s"].get<long long>() > 89LL * 86'400);
    CHECK((*remember)["remember_me"] == true);
    CHECK((*find_id(doc, "dddddddd-gone"))["status"] == "stale");
    CHECK((*find_id(doc, "eeeeeeee-bad0"))["status"] == "malformed");
    CHECK((*find_id(doc, "ffffffff-noid"))["status"] == "malformed");

    auto table = target.redops({"sessions", "list", "--user", "u1"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("aaaaaaaa-1111") == std::string::npos); // ids are bearer secrets
    CHECK(table.out.find("stale") != std::string::npos);
    CHECK(table.out.find("malformed") != std::string::npos);
    CHECK(table.err.find("eeeeeeee-bad0") == std::string::npos);

    auto count = target.redops({"--json", "sessions", "list", "--all", "--count"});
    CHECK(count.exit_code == 0);
    CHECK(json::parse(count.out)["total"] == 5); // --all sees keys, not index entries
}

TEST_CASE("sessions invalidate one or by prefix or a whole user and dry run and ambiguity and prune",
          "[cli][sessions][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    add_session(conn, "abcdefgh-0001", "u2", payload("u2", false), 1000);
    add_session(conn, "abcdefgh-0002", "u2", payload("u2", false), 1000);
    add_session(conn, "zyxwvuts-0003", "u2", payload("u2", true), 1000);
    add_session(conn, "other000-0004", "u3", payload("u3", false), 1000);

    auto dry = target.redops({"--json", "sessions", "invalidate", "--user", "u2", "--dry-run"});
    CHECK(dry.exit_code == 0);
    json dry_doc = json::parse(dry.out);
    // A dry run says what it would do and never claims anything deleted.
    CHECK(dry_doc["would_delete"] == 3);
    CHECK(dry_doc["would_unindex"] == 3);
    CHECK(dry_doc["index_would_be_deleted"] == true);
    CHECK_FALSE(dry_doc.contains("deleted"));
    CHECK_FALSE(dry_doc.contains("index_deleted"));
    CHECK_FALSE(dry_doc["sessions"][0].contains("session_deleted"));
    CHECK(target.count_existing({"session:abcdefgh-0001", "session:zyxwvuts-0003"}) == 2);
    CHECK(conn.call(cmd("SCARD", "user:sessions:u2")).integer == 3);

    auto ambiguous = target.redops({"sessions", "invalidate", "--user", "u2", "--session", "abcdefgh"});
    CHECK(ambiguous.exit_code == 2);
    CHECK(ambiguous.err.find("2 sessions") != std::string::npos);
    CHECK(ambiguous.err.find("abcdefgh-0001") == std::string::npos);
    CHECK(conn.call(cmd("SCARD", "user:sessions:u2")).integer == 3);

    auto prefix = target.redops(
        {"--json", "--reveal", "sessions", "invalidate", "--user", "u2", "--session", "zyxwvuts"});
    INFO(prefix.err);
    CHECK(prefix.exit_code == 0);
    CHECK(json::parse(prefix.out)["sessions"][0]["id"] == "zyxwvuts-0003");
    CHECK(conn.call(cmd("EXISTS", "session:zyxwvuts-0003")).integer == 0);
    CHECK(conn.call(cmd("SISMEMBER", "user:sessions:u2", "zyxwvuts-0003")).integer == 0);

    // Without --user the user comes from the session itself.
    auto one = target.redops({"--json", "sessions", "invalidate", "--session", "abcdefgh-0001"});
    CHECK(one.exit_code == 0);
    CHECK(json::parse(one.out)["index_deleted"] == false); // the index keeps the user's other sessions
    CHECK(conn.call(cmd("SISMEMBER", "user:sessions:u2", "abcdefgh-0001")).integer == 0);
    CHECK(target.redops({"sessions", "invalidate", "--session", "abcdefgh-0001"}).exit_code == 1);

    add_session(conn, "second00-0005", "u2", payload("u2", false), 1000);
    auto refused = target.redops({"sessions", "invalidate", "--user", "u2"});
    CHECK(refused.exit_code == 2);
    CHECK(conn.call(cmd("SCARD", "user:sessions:u2")).integer == 2);
    auto all = target.redops({"--json", "sessions", "invalidate", "--user", "u2", "--yes"});
    CHECK(all.exit_code == 0);
    // Removing the last members removes the set itself: the index is reported deleted because it is gone.
    CHECK(json::parse(all.out)["index_deleted"] == true);
    CHECK(json::parse(all.out)["deleted"] == 2);
    CHECK(target.count_existing({"session:abcdefgh-0002", "session:second00-0005", "user:sessions:u2"}) == 0);
    CHECK(conn.call(cmd("EXISTS", "session:other000-0004")).integer == 1);

    conn.call(cmd("SADD", "user:sessions:u3", "stale000-1", "stale000-2"));
    conn.call(cmd("SADD", "user:sessions:u4", "stale000-3"));
    CHECK(target.redops({"sessions", "prune", "--all-users"}).exit_code == 2);
    auto prune = target.redops({"--json", "sessions", "prune", "--all-users", "--yes"});
    CHECK(prune.exit_code == 0);
    CHECK(json::parse(prune.out)["stale_removed"] == 3);
    CHECK(conn.call(cmd("SMEMBERS", "user:sessions:u3")).elements.size() == 1);
}

TEST_CASE("sessions list --all streams 20000 sessions and --limit stops early", "[cli][sessions][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    std::vector<redops::redis::Command> seed;
    for (int i = 1; i <= 20'000; ++i) {
        seed.push_back(cmd("SET", "session:s" + std::to_string(i),
                           json{{"userId", "u" + std::to_string(i % 50)}, {"createdAt", 1763800000000LL}}.dump()));
    }
    conn.pipeline(seed);
    auto all = target.redops({"--json", "sessions", "list", "--all"});
    INFO(all.err);
    REQUIRE(all.exit_code == 0);
    json doc = json::parse(all.out);
    CHECK(doc["sessions"].size() == 20'000);
    CHECK(doc["total"] == 20'000);
    auto limited = target.redops({"--json", "sessions", "list", "--all", "--limit", "25"});
    CHECK(json::parse(limited.out)["sessions"].size() == 25);
    auto table = target.redops({"sessions", "list", "--all"});
    CHECK(table.exit_code == 0);
    CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 20'001);
}

namespace {

// Peak RSS in KiB of one `redops sessions list --all` child, as /usr/bin/time reports it on its last line.
long long peak_rss_kib(const RedisServer& server)
{
    auto r = redops::test::run_process({"/usr/bin/time", "-f", "%M", REDOPS_BINARY, "--url", server.url(), "sessions",
                                        "list", "--all"},
                                       // Under ASan freed memory sits in a quarantine that grows with the allocations;
                                       // disable it so RSS means live data.
                                       RunOptions{.env = {{"ASAN_OPTIONS", "quarantine_size_mb=0:detect_leaks=0"}},
                                                  .timeout = std::chrono::milliseconds(120'000)});
    INFO(r.err.substr(r.err.size() > 300 ? r.err.size() - 300 : 0));
    REQUIRE(r.exit_code == 0);
    auto end = r.err.find_last_not_of('\n');
    auto start = r.err.find_last_of('\n', end);
    return std::stoll(r.err.substr(start == std::string::npos ? 0 : start + 1));
}

void fill_sessions(Connection& conn, int from, int to)
{
    conn.call(cmd("EVAL",
                  "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('SET', 'session:s' .. i, "
                  "cjson.encode({userId = 'u' .. (i % 50), createdAt = 1763800000000})) end return 1",
                  0, from, to));
}

} // namespace

TEST_CASE("sessions list --all peak RSS stays flat from 2000 to 200000 sessions", "[cli][sessions][rss]")
{
    RedisServer server;
    auto conn = Connection::open(server.options());
    fill_sessions(conn, 1, 2'000);
    long long small = peak_rss_kib(server);
    fill_sessions(conn, 2'001, 200'000);
    long long large = peak_rss_kib(server);
    INFO("peak RSS KiB: 2000 sessions " << small << ", 200000 sessions " << large);
#if defined(__SANITIZE_ADDRESS__)
    // ASan's allocator and shadow memory grow with every allocation made, live or freed, so RSS says nothing about
    // what is held here; the same test in the plain build (the first CI pass) carries the flatness check.
    CHECK(small > 0);
    CHECK(large > 0);
#else
    CHECK(large - small < 2 * 1024); // measured ~0.6 MiB apart; holding 200000 rows would cost far more
#endif
}
