#include "doctor_seed.h"

#include "common/clock.h"
#include "redis/command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace redops::test {

using redis::cmd;

namespace {

using redops::now_ms;

std::string token(long long expires_at_ms)
{
    return nlohmann::json{{"token", "eyJhbGciOiJIUzI1NiJ9.secret"},
                          {"expiresAt", expires_at_ms},
                          {"cachedAt", now_ms()}}
        .dump();
}

std::string session(const std::string& user)
{
    return nlohmann::json{{"userId", user}, {"createdAt", now_ms()}, {"rememberMe", false}}.dump();
}

constexpr long long k_day_s = 86'400;

} // namespace

void DoctorSeed::set(const std::string& key, const std::string& value, long long ttl_s)
{
    if (ttl_s > 0) {
        m_client.call(cmd("SET", key, value, "EX", ttl_s));
    } else {
        m_client.call(cmd("SET", key, value));
    }
    m_keys.push_back(key);
}

long long DoctorSeed::pttl(const std::string& key)
{
    return m_client.call(cmd("PTTL", key)).integer;
}

void DoctorSeed::seed_healthy()
{
    set(k_good_token, token(now_ms() + 3'600'000), 3000);
    set("lock:good", "0f8e2b6c-owner", 30);
    set("{lock:job}:fence", "5", 0); // a fencing counter never expires
    set("dedupe:t:good", "1", k_day_s);
    set("rate:api:good", "3", 60);
    m_client.call(cmd("ZADD", "rate:api:log", 1, "1"));
    m_client.call(cmd("EXPIRE", "rate:api:log", 60));
    m_keys.emplace_back("rate:api:log");
    set(k_good_session, session("u1"), k_day_s);
    m_client.call(cmd("SADD", "user:sessions:u1", "good-0000-aaaa"));
    m_client.call(cmd("EXPIRE", "user:sessions:u1", 90 * k_day_s));
    m_keys.emplace_back("user:sessions:u1");
}

void DoctorSeed::seed_all()
{
    seed_healthy();
    set("auth:token:p:nottl", token(now_ms() + 3'600'000), 0);
    set("auth:token:p:expired", token(now_ms() - 1000), 600);
    set("auth:token:p:long", token(now_ms() + 3'600'000), 7200);
    set(k_bad_token, "not json", 100);
    set("lock:stuck", "owner", 0);
    set("lock:long", "owner", 7200);
    set("dedupe:t:nottl", "1", 0);
    set("dedupe:t:big", std::string(20'000, 'x'), 100);
    set("rate:api:nottl", "5", 0);
    m_client.call(cmd("HSET", "rate:api:hash", "f", "v"));
    m_keys.emplace_back("rate:api:hash");
    m_client.call(cmd("EXPIRE", "rate:api:hash", 60));
    set(std::string("session:") + k_unindexed_id, session("u1"), 3600);
    set(k_bad_session, "{", 100);
    m_client.call(cmd("SADD", "user:sessions:u1", "bad-0000-bbbb", k_stale_id));
    set("session:nottl-0000-eeee", session("u2"), 0);
    m_client.call(cmd("SADD", "user:sessions:u2", "nottl-0000-eeee"));
    m_client.call(cmd("EXPIRE", "user:sessions:u2", 90 * k_day_s));
    m_keys.emplace_back("user:sessions:u2");
    set("session:long-0000-ffff", session("u3"), k_day_s);
    m_client.call(cmd("SADD", "user:sessions:u3", "long-0000-ffff"));
    m_client.call(cmd("EXPIRE", "user:sessions:u3", 100));
    m_keys.emplace_back("user:sessions:u3");
    set("zz-foo:1", "x", 0);
    set("zz-foo:2", "x", 0);
    set("zz-bar", "x", 0);
}

DoctorSeed::Snapshot DoctorSeed::snapshot()
{
    Snapshot s;
    for (const auto& key : m_keys) {
        redis::Reply dump = m_client.call(cmd("DUMP", key));
        s[key] = {dump.is_nil() ? "<none>" : dump.str, pttl(key) >= 0};
    }
    return s;
}

std::vector<std::pair<std::string, long long>> DoctorSeed::expected_findings()
{
    return {{"no_ttl", 5},        {"token_expired", 1},     {"token_ttl_too_long", 1}, {"malformed", 2},
            {"wrong_type", 1},    {"stale_index_entry", 1}, {"unindexed_session", 1},  {"index_ttl_short", 1},
            {"lock_ttl_long", 1}, {"big_key", 1},           {"unknown_prefix", 3}};
}

std::vector<std::pair<std::string, long long>> DoctorSeed::expected_after_fix()
{
    return {{"no_ttl", 0},        {"token_expired", 0},     {"token_ttl_too_long", 0}, {"malformed", 2},
            {"wrong_type", 1},    {"stale_index_entry", 0}, {"unindexed_session", 0},  {"index_ttl_short", 0},
            {"lock_ttl_long", 1}, {"big_key", 1},           {"unknown_prefix", 3}};
}

long long DoctorSeed::expected_total()
{
    long long total = 0;
    for (const auto& [check, n] : expected_findings()) {
        total += n;
    }
    return total;
}

long long DoctorSeed::expected_repairs()
{
    return 10;
}

void DoctorSeed::check_repaired(const Snapshot& before)
{
    Snapshot after = snapshot();
    const long long usable_ms = 3'300'000; // expiresAt (now + 1 h) minus the 300 s safety buffer
    CHECK(pttl("auth:token:p:nottl") > usable_ms - 60'000);
    CHECK(pttl("auth:token:p:nottl") <= usable_ms);
    CHECK(after["auth:token:p:nottl"].first == before.at("auth:token:p:nottl").first);
    CHECK(pttl("auth:token:p:expired") == -2);
    CHECK(pttl("auth:token:p:long") > usable_ms - 60'000);
    CHECK(pttl("auth:token:p:long") <= usable_ms);
    CHECK(pttl("lock:stuck") > 0);
    CHECK(pttl("lock:stuck") <= 30'000);
    CHECK(pttl("dedupe:t:nottl") > (k_day_s - 60) * 1000);
    CHECK(pttl("rate:api:nottl") > 0);
    CHECK(pttl("rate:api:nottl") <= 60'000);
    CHECK(pttl("session:nottl-0000-eeee") > (k_day_s - 60) * 1000);
    CHECK(m_client.call(cmd("SISMEMBER", "user:sessions:u1", k_stale_id)).integer == 0);
    CHECK(m_client.call(cmd("SISMEMBER", "user:sessions:u1", k_unindexed_id)).integer == 1);
    CHECK(m_client.call(cmd("SCARD", "user:sessions:u1")).integer == 3);
    CHECK(pttl("user:sessions:u3") > (k_day_s - 60) * 1000);
    // Everything else is exactly as before.
    for (const auto& key : {"auth:token:p:good", "auth:token:p:bad", "lock:good", "lock:long", "{lock:job}:fence",
                            "dedupe:t:good", "dedupe:t:big", "rate:api:good", "rate:api:log", "rate:api:hash",
                            "session:good-0000-aaaa", "session:bad-0000-bbbb", "session:long-0000-ffff",
                            "session:unindexed-0000-cccc", "user:sessions:u2", "zz-foo:1", "zz-foo:2", "zz-bar"}) {
        INFO(key);
        CHECK(after.at(key) == before.at(key));
    }
}

} // namespace redops::test
