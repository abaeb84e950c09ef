// doctor's repairs under concurrent writers: a key rewritten between the scan and the fix is left alone and
// reported as skipped; the least-privilege ACL users of the man page can scan, and fix only with the fix rules.
#include "common/clock.h"
#include "config/key_template.h"
#include "config/settings.h"
#include "doctor_seed.h"
#include "process.h"
#include "redis/client.h"
#include "redis/command.h"
#include "redis_server.h"
#include "repo/doctor_repair.h"
#include "repo/doctor_scan.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

using redops::redis::cmd;
using redops::redis::StandaloneClient;
using redops::repo::DoctorCheck;
using redops::test::DoctorSeed;
using redops::test::RedisServer;
using redops::test::ServerConfig;
using json = nlohmann::json;

namespace {

redops::config::KeyTemplates default_templates()
{
    redops::config::KeyTemplates keys;
    for (const char* kind : {"token", "lock", "dedupe", "ratelimit", "session", "user_index", "lock_fence"}) {
        redops::config::key_template_setting(keys, kind).value = redops::config::default_key_template(kind);
    }
    return keys;
}

using redops::now_ms;

std::string token(long long expires_at_ms, const std::string& secret)
{
    return json{{"token", secret}, {"expiresAt", expires_at_ms}, {"cachedAt", now_ms()}}.dump();
}

const redops::repo::RepairOutcome& outcome(const redops::repo::RepairReport& report, DoctorCheck check)
{
    return report[static_cast<std::size_t>(check)];
}

} // namespace

TEST_CASE("doctor repairs skip every key rewritten between the scan and the fix", "[doctor][race]")
{
    RedisServer server;
    StandaloneClient client(server.options());
    // Pairs: the first of each is rewritten after the scan, the second is not.
    client.call(cmd("SET", "dedupe:t:a", "1"));
    client.call(cmd("SET", "dedupe:t:b", "1"));
    client.call(cmd("SET", "auth:token:p:a", token(now_ms() - 1000, "old"), "EX", 600));
    client.call(cmd("SET", "auth:token:p:b", token(now_ms() - 1000, "old"), "EX", 600));
    client.call(cmd("SET", "auth:token:p:long", token(now_ms() + 3'600'000, "old"), "EX", 7200));
    client.call(cmd("SET", "lock:a", "owner-1"));
    client.call(cmd("SADD", "user:sessions:u1", "gone-a", "gone-b"));
    client.call(cmd("EXPIRE", "user:sessions:u1", 86'400));
    client.call(cmd("SET", "session:s-a", json{{"userId", "u2"}}.dump(), "EX", 3600));
    client.call(cmd("SET", "session:s-b", json{{"userId", "u2"}}.dump(), "EX", 3600));
    client.call(cmd("SET", "rate:api:x", "4"));

    auto templates = default_templates();
    redops::repo::DoctorOptions options;
    options.plan_repairs = true;
    options.ratelimit_window = std::chrono::milliseconds(60'000);
    auto report = redops::repo::doctor_scan(client, templates, options);
    REQUIRE(report.tally(DoctorCheck::no_ttl).count == 4);
    REQUIRE(report.tally(DoctorCheck::token_expired).count == 2);
    REQUIRE(report.tally(DoctorCheck::token_ttl_too_long).count == 1);
    REQUIRE(report.tally(DoctorCheck::stale_index_entry).count == 2);
    REQUIRE(report.tally(DoctorCheck::unindexed_session).count == 2);
    REQUIRE(report.repairs.size() == 11);

    // The services write meanwhile.
    client.call(cmd("EXPIRE", "dedupe:t:a", 500)); // TTL set by a service
    const std::string fresh = token(now_ms() + 3'600'000, "new");
    client.call(cmd("SET", "auth:token:p:a", fresh, "EX", 3000));                                 // token refreshed
    client.call(cmd("SET", "auth:token:p:long", token(now_ms() + 7'200'000, "new"), "EX", 7000)); // refreshed
    client.call(cmd("DEL", "lock:a"));
    client.call(cmd("SET", "lock:a", "owner-2", "NX")); // re-acquired (no TTL again, new value)
    client.call(cmd("HSET", "rate:api:x-tmp", "f", "v"));
    client.call(cmd("RENAME", "rate:api:x-tmp", "rate:api:x"));                           // replaced by another type
    client.call(cmd("SET", "session:gone-a", json{{"userId", "u1"}}.dump(), "EX", 3600)); // session came back
    client.call(cmd("UNLINK", "session:s-a"));                                            // session invalidated

    auto repairs = redops::repo::apply_repairs(client, report.repairs);
    // lock:a: the script compares the type and PTTL only (no value read for locks): still a string without a
    // TTL, so it gets one - which is what any lock without a TTL needs.
    CHECK(outcome(repairs, DoctorCheck::no_ttl).applied == 2);
    CHECK(outcome(repairs, DoctorCheck::no_ttl).skipped == 2);
    CHECK(outcome(repairs, DoctorCheck::token_expired).applied == 1);
    CHECK(outcome(repairs, DoctorCheck::token_expired).skipped == 1);
    CHECK(outcome(repairs, DoctorCheck::token_ttl_too_long).skipped == 1);
    CHECK(outcome(repairs, DoctorCheck::stale_index_entry).applied == 1);
    CHECK(outcome(repairs, DoctorCheck::stale_index_entry).skipped == 1);
    CHECK(outcome(repairs, DoctorCheck::unindexed_session).applied == 1);
    CHECK(outcome(repairs, DoctorCheck::unindexed_session).skipped == 1);

    CHECK(client.call(cmd("PTTL", "dedupe:t:a")).integer <= 500'000);
    CHECK(client.call(cmd("PTTL", "dedupe:t:b")).integer > 86'000'000);
    CHECK(client.call(cmd("GET", "auth:token:p:a")).str == fresh);
    CHECK(client.call(cmd("EXISTS", "auth:token:p:b")).integer == 0);
    CHECK(client.call(cmd("PTTL", "auth:token:p:long")).integer > 6'000'000);
    CHECK(client.call(cmd("TYPE", "rate:api:x")).str == "hash");
    CHECK(client.call(cmd("PTTL", "rate:api:x")).integer == -1);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:u1", "gone-a")).integer == 1);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:u1", "gone-b")).integer == 0);
    CHECK(client.call(cmd("EXISTS", "user:sessions:u2")).integer == 1);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:u2", "s-a")).integer == 0);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:u2", "s-b")).integer == 1);
    CHECK(client.call(cmd("PTTL", "user:sessions:u2")).integer > 3'500'000);
}

namespace {

// The least-privilege users of redops-doctor(1).
const char* k_read_acl =
    "user doctor on >pw ~* resetchannels -@all +ping +hello +client|setname +select +info +dbsize "
    "+scan +type +pttl +getrange +strlen +memory|usage +sscan +sismember +cluster|slots +cluster|nodes";
const char* k_fix_acl =
    "user fixer on >pw ~* resetchannels -@all +ping +hello +client|setname +select +info +dbsize "
    "+scan +type +pttl +getrange +strlen +memory|usage +sscan +sismember +cluster|slots +cluster|nodes "
    "+evalsha +eval +exists +get +time +pexpire +pexpireat +unlink +srem +sadd";

} // namespace

TEST_CASE("doctor runs under the read-only ACL user and fixes only under the fix user", "[cli][doctor][acl]")
{
    RedisServer server(ServerConfig{.acl_users = {k_read_acl, k_fix_acl, "user admin on >pw ~* +@all"}});
    redops::redis::ConnectionOptions admin = server.options();
    admin.user = "admin";
    admin.password = "pw";
    StandaloneClient client(admin);
    DoctorSeed seed(client);
    seed.seed_all();
    const auto before = seed.snapshot();
    const std::string url = "redis://127.0.0.1:" + std::to_string(server.port());
    redops::test::RunOptions env;
    env.env["REDIS_PASSWORD"] = "pw";

    auto read = redops::test::run_redops({"--url", url, "--user", "doctor", "--json", "doctor", "--big-key-bytes",
                                          "10000"},
                                         env);
    INFO(read.err);
    CHECK(read.exit_code == 1);
    CHECK(json::parse(read.out)["findings"] == DoctorSeed::expected_total());

    auto denied = redops::test::run_redops({"--url", url, "--user", "doctor", "--json", "doctor", "--big-key-bytes",
                                            "10000", "--fix", "--yes", "--window", "1m"},
                                           env);
    INFO(denied.out);
    CHECK(denied.exit_code == 4);
    json doc = json::parse(denied.out);
    CHECK(doc["fix"]["failed"] == DoctorSeed::expected_repairs());
    CHECK(doc["error"]["message"].get<std::string>().find("NOPERM") != std::string::npos);
    CHECK(seed.snapshot() == before);

    auto fixed = redops::test::run_redops({"--url", url, "--user", "fixer", "--json", "doctor", "--big-key-bytes",
                                           "10000", "--fix", "--yes", "--window", "1m"},
                                          env);
    INFO(fixed.err);
    CHECK(fixed.exit_code == 1);
    CHECK(json::parse(fixed.out)["fix"]["applied"] == DoctorSeed::expected_repairs());
    seed.check_repaired(before);
}
