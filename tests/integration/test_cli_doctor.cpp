// `redops doctor` end to end: every anomaly seeded next to its healthy twin, exact counts, a dry run that
// changes nothing, --fix that repairs exactly the findings, refusals, output formats and crafted values.
#include "doctor_seed.h"
#include "process.h"
#include "redis/connection.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::test::DoctorSeed;
using redops::test::ProcessResult;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

json doctor_json(TestTarget& target, std::vector<std::string> extra, int expected_exit)
{
    std::vector<std::string> args{"--json", "doctor", "--big-key-bytes", "10000"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = target.redops(args);
    INFO(r.out);
    INFO(r.err);
    REQUIRE(r.exit_code == expected_exit);
    return json::parse(r.out);
}

long long count(const json& doc, const std::string& check)
{
    return doc["checks"][check]["count"].get<long long>();
}

} // namespace

TEST_CASE("doctor finds every seeded anomaly once and --fix repairs exactly the fixable ones",
          "[cli][doctor][portable]")
{
    TestTarget target;
    DoctorSeed seed(target.client());
    seed.seed_all();
    const auto before = seed.snapshot();

    json doc = doctor_json(target, {}, 1);
    CHECK(doc["ok"] == false);
    for (const auto& [check, expected] : DoctorSeed::expected_findings()) {
        INFO(check);
        CHECK(count(doc, check) == expected);
    }
    CHECK(doc["findings"] == DoctorSeed::expected_total());
    CHECK(doc["unknown_prefixes"]["zz-foo"] == 2);
    CHECK(doc["unknown_prefixes"]["zz-bar"] == 1);
    CHECK(doc["nodes"].size() == (target.topology() == redops::test::Topology::cluster ? 3U : 1U));
    CHECK(doc["fix"]["mode"] == "none");
    // Session ids are masked in examples unless --reveal.
    CHECK(doc.dump().find(DoctorSeed::k_unindexed_id) == std::string::npos);
    CHECK(doc.dump().find(DoctorSeed::k_stale_id) == std::string::npos);
    json revealed = doctor_json(target, {"--reveal", "--kinds", "session,user_index"}, 1);
    CHECK(revealed.dump().find(DoctorSeed::k_unindexed_id) != std::string::npos);
    CHECK(revealed["checks"]["token_expired"]["count"] == 0);

    json dry = doctor_json(target, {"--fix", "--dry-run", "--window", "1m"}, 1);
    CHECK(dry["fix"]["mode"] == "dry_run");
    CHECK(dry["fix"]["planned"] == DoctorSeed::expected_repairs());
    CHECK(seed.snapshot() == before);

    // Off a terminal --fix needs --yes: refused with exit 2 and nothing changed.
    ProcessResult refused = target.redops({"doctor", "--fix", "--window", "1m"});
    INFO(refused.err);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--yes") != std::string::npos);
    CHECK(seed.snapshot() == before);

    json fixed = doctor_json(target, {"--fix", "--yes", "--window", "1m"}, 1);
    CHECK(fixed["fix"]["applied"] == DoctorSeed::expected_repairs());
    CHECK(fixed["fix"]["skipped_changed"] == 0);
    CHECK(fixed["fix"]["failed"] == 0);
    seed.check_repaired(before);

    json after = doctor_json(target, {}, 1);
    for (const auto& [check, expected] : DoctorSeed::expected_after_fix()) {
        INFO(check);
        CHECK(count(after, check) == expected);
    }
}

TEST_CASE("doctor on a clean keyspace exits 0 in every format", "[cli][doctor]")
{
    TestTarget target;
    DoctorSeed seed(target.client());
    seed.seed_healthy();
    json doc = doctor_json(target, {}, 0);
    CHECK(doc["ok"] == true);
    CHECK(doc["findings"] == 0);
    CHECK(doc["audited"].get<long long>() == doc["scanned"].get<long long>());

    ProcessResult table = target.redops({"doctor"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("no_ttl") != std::string::npos);
    CHECK(table.out.find("0 findings") != std::string::npos);

    ProcessResult nagios = target.redops({"doctor", "--format", "nagios"});
    CHECK(nagios.exit_code == 0);
    CHECK(nagios.out.rfind("REDOPS DOCTOR OK", 0) == 0);

    ProcessResult prometheus = target.redops({"doctor", "--format", "prometheus"});
    CHECK(prometheus.exit_code == 0);
    CHECK(prometheus.out.find("redops_doctor_findings{check=\"no_ttl\"} 0\n") != std::string::npos);
}

TEST_CASE("doctor nagios and prometheus formats count findings and take thresholds", "[cli][doctor]")
{
    TestTarget target;
    DoctorSeed seed(target.client());
    seed.seed_all();
    ProcessResult warn = target.redops({"doctor", "--format", "nagios", "--crit", "1000"});
    CHECK(warn.exit_code == 1);
    CHECK(warn.out.rfind("REDOPS DOCTOR WARNING", 0) == 0);
    ProcessResult crit = target.redops({"doctor", "--format", "nagios", "--warn", "1", "--crit", "5"});
    CHECK(crit.exit_code == 2);
    ProcessResult prometheus = target.redops({"doctor", "--format", "prometheus"});
    CHECK(prometheus.exit_code == 1);
    CHECK(prometheus.out.find("redops_doctor_findings{check=\"stale_index_entry\"} 1\n") != std::string::npos);
    ProcessResult bad = target.redops({"doctor", "--format", "nagios", "--warn", "9", "--crit", "2"});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("doctor refuses bad options with exit 2 before touching anything", "[cli][doctor]")
{
    TestTarget target;
    DoctorSeed seed(target.client());
    seed.seed_all();
    const auto before = seed.snapshot();
    for (const std::vector<std::string>& args : {std::vector<std::string>{"doctor", "--kinds", "token,bogus"},
                                                 {"doctor", "--delete-malformed"},
                                                 {"doctor", "--yes"},
                                                 {"doctor", "--examples", "101"},
                                                 {"doctor", "--max-lock-ttl", "soon"},
                                                 {"doctor", "--format", "xml"},
                                                 {"doctor", "--fix", "--yes", "--format", "prometheus"}}) {
        ProcessResult r = target.redops(args);
        INFO(args.back());
        CHECK(r.exit_code == 2);
    }
    CHECK(seed.snapshot() == before);
}

TEST_CASE("doctor --fix --delete-malformed deletes only the malformed token and session", "[cli][doctor]")
{
    TestTarget target;
    DoctorSeed seed(target.client());
    seed.seed_all();
    json fixed = doctor_json(target, {"--kinds", "token,session", "--fix", "--yes", "--delete-malformed"}, 0);
    CHECK(fixed["checks"]["malformed"]["applied"] == 2);
    CHECK(target.count_existing({DoctorSeed::k_bad_token, DoctorSeed::k_bad_session}) == 0);
    CHECK(target.count_existing({DoctorSeed::k_good_token, DoctorSeed::k_good_session}) == 2);
}

TEST_CASE("doctor --fix leaves an index that missed a session and expired too early right in one pass",
          "[cli][doctor][portable]")
{
    // Each user has an unindexed session ("-out") that outlives every indexed one, and its index something more:
    // u1's expires before its indexed session (index_ttl_short); u2's has no TTL (no_ttl); u3's has no TTL and
    // holds only a session that is gone (no_ttl, stale_index_entry); u4 has no index, and its session no TTL
    // (the session's no_ttl). The repairs must not undo or skip one another: one --fix, then nothing to find.
    TestTarget target;
    auto& client = target.client();
    for (const std::string user : {"u1", "u2"}) {
        client.call(cmd("SET", "session:" + user + "-in", json{{"userId", user}}.dump(), "EX", "3600"));
        client.call(cmd("SADD", "user:sessions:" + user, user + "-in"));
    }
    client.call(cmd("EXPIRE", "user:sessions:u1", "600"));
    client.call(cmd("SADD", "user:sessions:u3", "u3-gone"));
    for (const std::string user : {"u1", "u2", "u3"}) {
        client.call(cmd("SET", "session:" + user + "-out", json{{"userId", user}}.dump(), "EX", "7200"));
    }
    client.call(cmd("SET", "session:u4-out", json{{"userId", "u4"}}.dump()));

    json planned = doctor_json(target, {}, 1);
    CHECK(count(planned, "index_ttl_short") == 1);
    CHECK(count(planned, "no_ttl") == 3);
    CHECK(count(planned, "stale_index_entry") == 1);
    CHECK(count(planned, "unindexed_session") == 4);
    CHECK(planned["findings"] == 9);

    json fixed = doctor_json(target, {"--fix", "--yes"}, 0);
    CHECK(fixed["fix"]["applied"] == 9);
    CHECK(fixed["fix"]["skipped_changed"] == 0);
    CHECK(fixed["fix"]["failed"] == 0);
    for (const std::string user : {"u1", "u2", "u3"}) {
        INFO(user);
        const std::string index = "user:sessions:" + user;
        CHECK(client.call(cmd("SISMEMBER", index, user + "-out")).integer == 1);
        CHECK(client.call(cmd("SCARD", index)).integer == (user == "u3" ? 1 : 2));
        CHECK(client.call(cmd("PTTL", index)).integer > 7'100'000); // covers the longest session it holds
        CHECK(client.call(cmd("PTTL", "session:" + user + "-out")).integer > 7'100'000); // sessions untouched
    }
    const long long u4_session = client.call(cmd("PTTL", "session:u4-out")).integer;
    CHECK(u4_session > 0);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:u4", "u4-out")).integer == 1);
    CHECK(client.call(cmd("PTTL", "user:sessions:u4")).integer >= u4_session - 60'000);

    json again = doctor_json(target, {}, 0);
    CHECK(again["findings"] == 0);
}

TEST_CASE("doctor survives crafted values: deep JSON and values past the read limit and odd key names", "[cli][doctor]")
{
    TestTarget target;
    auto& client = target.client();
    std::string deep(100'000, '[');
    client.call(cmd("SET", "auth:token:p:deep", deep, "EX", 100));
    client.call(cmd("SET", "session:deep", "{\"userId\":" + deep, "EX", 100));
    client.call(cmd("SET", "auth:token:p:huge", std::string(200'000, 'x'), "EX", 100));
    client.call(cmd("SET", std::string("zz\x1b[31m:\n", 9), "v"));
    client.call(cmd("SET", std::string("zz\xff:1"), "v")); // not UTF-8: JSON shows it replaced, never fails
    client.call(cmd("SET", "session:sneaky", R"({"userId":"u*?[","createdAt":1})", "EX", 100));
    json doc = doctor_json(target, {}, 1);
    CHECK(count(doc, "malformed") == 3);
    CHECK(count(doc, "big_key") == 3);
    CHECK(count(doc, "unindexed_session") == 1);
    CHECK(count(doc, "unknown_prefix") == 2);
    ProcessResult table = target.redops({"doctor"});
    CHECK(table.exit_code == 1);
    CHECK(table.out.find('\x1b') == std::string::npos);
}
