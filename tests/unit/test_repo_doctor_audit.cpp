// The doctor's per-key judgement from a key's state: which check fires, which repair is planned, and when none.
#include "config/key_template.h"
#include "repo/doctor_audit.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::repo::DoctorAudit;
using redops::repo::DoctorCheck;
using redops::repo::DoctorKind;
using redops::repo::KeyState;
using redops::repo::RepairAction;

namespace {

constexpr long long k_now = 1'800'000'000'000;

struct Fixture {
    redops::repo::DoctorOptions options;
    redops::config::KeyTemplate index = redops::config::default_key_template("user_index");

    Fixture() { options.plan_repairs = true; }

    KeyState state(DoctorKind kind, std::string type, long long pttl, std::optional<std::string> value = {})
    {
        KeyState s;
        s.key = "k";
        s.kind = kind;
        s.type = std::move(type);
        s.pttl = pttl;
        s.value = std::move(value);
        return s;
    }
};

std::string token(long long expires_at)
{
    return nlohmann::json{{"token", "t"}, {"expiresAt", expires_at}, {"cachedAt", 1}}.dump();
}

long long count(DoctorAudit& audit, DoctorCheck check)
{
    return audit.report().tally(check).count;
}

} // namespace

TEST_CASE("doctor audit judges tokens by expiresAt and the safety buffer", "[doctor]")
{
    Fixture f;
    DoctorAudit audit(f.options, f.index, k_now);
    audit.inspect(f.state(DoctorKind::token, "string", 3'000'000, token(k_now + 3'600'000))); // healthy
    audit.inspect(f.state(DoctorKind::token, "string", 600'000, token(k_now - 1)));           // expired
    audit.inspect(f.state(DoctorKind::token, "string", 3'400'000, token(k_now + 3'600'000))); // 100 s too long
    audit.inspect(f.state(DoctorKind::token, "string", -1, token(k_now + 3'600'000)));        // no TTL
    audit.inspect(f.state(DoctorKind::token, "string", 100, std::string("{\"token\":1}")));   // malformed
    CHECK(count(audit, DoctorCheck::token_expired) == 1);
    CHECK(count(audit, DoctorCheck::token_ttl_too_long) == 1);
    CHECK(count(audit, DoctorCheck::no_ttl) == 1);
    CHECK(count(audit, DoctorCheck::malformed) == 1);
    const auto& repairs = audit.report().repairs;
    REQUIRE(repairs.size() == 3); // a malformed value is only deleted with --delete-malformed
    CHECK(repairs[0].action == RepairAction::unlink);
    CHECK(repairs[1].action == RepairAction::pexpireat);
    CHECK(repairs[1].target_ms == k_now + 3'300'000);
    CHECK(repairs[2].target_ms == k_now + 3'300'000);
    CHECK(repairs[2].digest.size() == 40);
}

TEST_CASE("doctor audit exempts fencing counters and plans no rate-limit repair without a window", "[doctor]")
{
    Fixture f;
    DoctorAudit audit(f.options, f.index, k_now);
    audit.inspect(f.state(DoctorKind::lock_fence, "string", -1));
    CHECK(audit.report().findings() == 0);
    audit.inspect(f.state(DoctorKind::ratelimit, "string", -1));
    audit.inspect(f.state(DoctorKind::ratelimit, "zset", 1000));
    audit.inspect(f.state(DoctorKind::ratelimit, "hash", 1000));
    CHECK(count(audit, DoctorCheck::no_ttl) == 1);
    CHECK(count(audit, DoctorCheck::wrong_type) == 1);
    CHECK(audit.report().repairs.empty());
}

TEST_CASE("doctor audit flags long locks and keeps only the asked number of examples", "[doctor]")
{
    Fixture f;
    f.options.examples = 2;
    DoctorAudit audit(f.options, f.index, k_now);
    for (int i = 0; i < 5; ++i) {
        audit.inspect(f.state(DoctorKind::lock, "string", 7'200'000));
    }
    audit.inspect(f.state(DoctorKind::lock, "string", 30'000));
    CHECK(count(audit, DoctorCheck::lock_ttl_long) == 5);
    CHECK(audit.report().tally(DoctorCheck::lock_ttl_long).examples.size() == 2);
    CHECK(audit.report().repairs.empty());
}

TEST_CASE("doctor audit links a session to its user's index and masks nothing itself", "[doctor]")
{
    Fixture f;
    DoctorAudit audit(f.options, f.index, k_now);
    auto s = f.state(DoctorKind::session, "string", 5000, std::string(R"({"userId":"u7","rememberMe":true})"));
    s.id = "sid";
    auto link = audit.inspect(s);
    REQUIRE(link);
    CHECK(link->index == "user:sessions:u7");
    CHECK(link->pttl == 5000);
    auto no_ttl = f.state(DoctorKind::session, "string", -1, std::string(R"({"userId":"u7","rememberMe":true})"));
    audit.inspect(no_ttl);
    REQUIRE(audit.report().repairs.size() == 1);
    CHECK(audit.report().repairs[0].target_ms == f.options.session_remember_ttl.count());
    audit.index_done("user:sessions:u7", 1000, 5000);
    CHECK(count(audit, DoctorCheck::index_ttl_short) == 1);
    audit.index_done("user:sessions:u8", 9000, 5000);
    CHECK(count(audit, DoctorCheck::index_ttl_short) == 1);
}
