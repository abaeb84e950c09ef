// `redops token` end to end against a real redis-server: the services' payload format both ways, TTLs, flush.
#include "common/clock.h"
#include "process.h"
#include "redis/command.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

using redops::now_ms;

std::string service_payload(const std::string& token, long long expires_at, long long cached_at)
{
    return json{{"token", token}, {"expiresAt", expires_at}, {"cachedAt", cached_at}}.dump();
}

} // namespace

TEST_CASE("token get reads a payload written by a service with plain SET", "[cli][token][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    long long now = now_ms();
    std::string token = "eyJhbGciOiJSUzI1NiJ9.payload.signature-x9Q";
    conn.call(cmd("SET", "auth:token:genesys:acme", service_payload(token, now + 3'600'000, now), "EX", 3300));

    auto r = target.redops({"token", "get", "--provider", "genesys", "--tenant", "acme", "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["found"] == true);
    CHECK(doc["ok"] == true);
    CHECK(doc["expired"] == false);
    CHECK(doc["token"] != token); // masked
    CHECK(doc["ttl_s"].get<long long>() > 3290);
    CHECK(doc["expires_in_s"].get<long long>() > 3590);
    CHECK(doc["expires_at"].get<std::string>().back() == 'Z');

    auto revealed = target.redops({"token", "get", "--provider", "genesys", "--tenant", "acme", "--json", "--reveal"});
    CHECK(json::parse(revealed.out)["token"] == token);

    auto table = target.redops({"token", "get", "--provider", "genesys", "--tenant", "acme"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("expires_at") != std::string::npos);
    CHECK(table.out.find(token) == std::string::npos);
}

TEST_CASE("token set writes the services' format with TTL = expires-in - buffer", "[cli][token][portable]")
{
    TestTarget target;
    long long before = now_ms();
    auto r = target.redops({"token", "set", "--provider", "genesys", "--tenant", "acme", "--expires-in", "3600"},
                           RunOptions{.stdin_data = "tok-from-stdin\n"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    auto& conn = target.client();
    json raw = json::parse(conn.call(cmd("GET", "auth:token:genesys:acme")).str);
    CHECK(raw.size() == 3);
    CHECK(raw["token"] == "tok-from-stdin");
    CHECK(raw["cachedAt"].is_number_integer());
    CHECK(raw["cachedAt"].get<long long>() >= before);
    CHECK(raw["expiresAt"].get<long long>() - raw["cachedAt"].get<long long>() == 3'600'000);
    long long ttl = conn.call(cmd("TTL", "auth:token:genesys:acme")).integer;
    CHECK(ttl <= 3300);
    CHECK(ttl >= 3298);

    auto custom = target.redops({"token", "set", "--provider", "genesys", "--tenant", "b", "--expires-in", "100",
                                 "--safety-buffer", "40", "--token", "v"});
    CHECK(custom.exit_code == 0);
    CHECK(custom.err.find("warning") != std::string::npos);
    CHECK(conn.call(cmd("TTL", "auth:token:genesys:b")).integer >= 58);

    auto refused = target.redops({"token", "set", "--provider", "genesys", "--tenant", "c", "--expires-in", "300"},
                                 RunOptions{.stdin_data = "t"});
    CHECK(refused.exit_code == 2);
    CHECK(conn.call(cmd("EXISTS", "auth:token:genesys:c")).integer == 0);

    std::ofstream(target.dir() / "tok") << "from-file\n";
    auto file = target.redops({"token", "set", "--provider", "p", "--tenant", "t", "--expires-in", "900",
                               "--token-file", (target.dir() / "tok").string()});
    CHECK(file.exit_code == 0);
    CHECK(json::parse(conn.call(cmd("GET", "auth:token:p:t")).str)["token"] == "from-file");
}

TEST_CASE("token get: miss exits 1, expired payload warns, bad payloads exit 4", "[cli][token][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    auto get = [&](const std::string& tenant) {
        return target.redops({"token", "get", "--provider", "g", "--tenant", tenant, "--json"});
    };
    auto miss = get("nobody");
    CHECK(miss.exit_code == 1);
    CHECK(json::parse(miss.out)["found"] == false);

    long long now = now_ms();
    conn.call(cmd("SET", "auth:token:g:old", service_payload("t", now - 1000, now - 3'601'000), "EX", 600));
    auto expired = get("old");
    CHECK(expired.exit_code == 0);
    CHECK(json::parse(expired.out)["expired"] == true);
    CHECK(expired.err.find("expired") != std::string::npos);

    conn.call(cmd("SET", "auth:token:g:notjson", "{oops"));
    conn.call(cmd("SET", "auth:token:g:nofield", R"({"token":"t","cachedAt":1})"));
    conn.call(cmd("SET", "auth:token:g:badtype", R"({"token":5,"expiresAt":1,"cachedAt":1})"));
    conn.call(cmd("LPUSH", "auth:token:g:list", "x"));
    for (std::string tenant : {"notjson", "nofield", "badtype", "list"}) {
        auto r = get(tenant);
        INFO(tenant << " " << r.out << r.err);
        CHECK(r.exit_code == 4);
        CHECK(json::parse(r.out)["ok"] == false);
        CHECK(r.err.find("auth:token:g:" + tenant) != std::string::npos);
    }
}

TEST_CASE("token tenant ids are literal: glob characters, UTF-8, flush of '*' deletes one key",
          "[cli][token][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    // Glob characters are literal; the separator ':' is refused (it would make the key ambiguous: test_key_identity).
    std::string odd = "a*b?c[d]e\\f";
    auto set = target.redops(
        {"token", "set", "--provider", "genesys", "--tenant", odd, "--expires-in", "3600", "--token", "x"});
    REQUIRE(set.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "auth:token:genesys:" + odd)).integer == 1);
    auto get = target.redops({"token", "get", "--provider", "genesys", "--tenant", odd, "--json"});
    CHECK(get.exit_code == 0);
    CHECK(json::parse(get.out)["tenant"] == odd);
    auto utf8 = target.redops(
        {"token", "set", "--provider", "genesys", "--tenant", "zürich-東京", "--expires-in", "3600", "--token", "x"});
    CHECK(utf8.exit_code == 0);
    std::string binary = "bin\xff\x01\x7f";
    auto bin = target.redops(
        {"token", "set", "--provider", "genesys", "--tenant", binary, "--expires-in", "3600", "--token", "x"});
    CHECK(bin.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "auth:token:genesys:" + binary)).integer == 1);
    CHECK(target.redops({"token", "get", "--provider", "genesys", "--tenant", binary, "--json"}).exit_code == 0);

    for (std::string tenant : {"*", "a", "b"}) {
        conn.call(cmd("SET", "auth:token:genesys:" + tenant, service_payload("t", now_ms() + 10'000'000, now_ms())));
    }
    auto flush = target.redops({"token", "flush", "--provider", "genesys", "--tenant", "*", "--yes", "--json"});
    INFO(flush.out << flush.err);
    CHECK(flush.exit_code == 0);
    CHECK(json::parse(flush.out)["deleted"] == 1);
    CHECK(conn.call(cmd("EXISTS", "auth:token:genesys:*")).integer == 0);
    CHECK(target.count_existing({"auth:token:genesys:a", "auth:token:genesys:b"}) == 2);
}

TEST_CASE("token flush --all-tenants of 100000 keys, dry run first, refuses bulk without --yes",
          "[cli][token][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    std::vector<redops::redis::Command> seed;
    constexpr long long k_keys = 100'000;
    for (long long i = 0; i < k_keys; ++i) {
        seed.push_back(cmd("SET", "auth:token:genesys:t" + std::to_string(i), "{}"));
    }
    conn.pipeline(seed);
    conn.call(cmd("SET", "auth:token:other:t1", "{}"));
    conn.call(cmd("SET", "auth:token:genesysx:t1", "{}"));
    conn.call(cmd("SET", "auth:token:genesys:t[0-9]*", "{}"));
    conn.call(cmd("SET", "auth:token:genesys:*", "{}"));
    auto glob = target.redops({"token", "flush", "--provider", "genesys", "--tenant", "t[0-9]*", "--json"});
    CHECK(json::parse(glob.out)["deleted"] == 1);
    CHECK(target.key_count() == k_keys + 3);
    CHECK(conn.call(cmd("EXISTS", "auth:token:genesys:t[0-9]*")).integer == 0);

    auto refused = target.redops({"token", "flush", "--provider", "genesys", "--all-tenants"});
    CHECK(refused.exit_code == 2);
    CHECK(target.key_count() == k_keys + 3);

    auto dry = target.redops({"token", "flush", "--provider", "genesys", "--all-tenants", "--dry-run", "--json"});
    REQUIRE(dry.exit_code == 0);
    json doc = json::parse(dry.out);
    CHECK(doc["would_delete"] == k_keys + 1);
    CHECK(doc["keys"].size() == k_keys + 1);
    CHECK(target.key_count() == k_keys + 3);

    auto flush = target.redops({"token", "flush", "--provider", "genesys", "--all-tenants", "--yes"});
    INFO(flush.out << flush.err);
    CHECK(flush.exit_code == 0);
    CHECK(flush.out.find("deleted " + std::to_string(k_keys + 1) + " keys") != std::string::npos);
    CHECK(target.key_count() == 2);

    auto all = target.redops({"token", "flush", "--all", "--yes", "--json"});
    CHECK(json::parse(all.out)["deleted"] == 2);
    CHECK(target.redops({"token", "flush", "--provider", "g"}).exit_code == 2);
    CHECK(target.redops({"token", "flush", "--provider", "g", "--tenant", ""}).exit_code == 2);
}

TEST_CASE("token list streams entries, and a custom template from a config file works", "[cli][token][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    auto config = target.dir() / "redops.json";
    std::ofstream(config) << R"({"keys": {"token": "genesys:token:{tenant}"}})";
    auto set = target.redops({"--config", config.string(), "token", "set", "--tenant", "acme", "--expires-in", "3600",
                              "--token", "secret-token-value-123456"});
    INFO(set.out << set.err);
    REQUIRE(set.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "genesys:token:acme")).integer == 1);
    conn.call(cmd("SET", "genesys:token:broken", "nope"));

    auto list = target.redops({"--config", config.string(), "token", "list", "--json"});
    INFO(list.out << list.err);
    REQUIRE(list.exit_code == 0);
    json doc = json::parse(list.out);
    CHECK(doc["tokens"].size() == 2);
    CHECK(doc["malformed"] == 1);
    auto table = target.redops({"--config", config.string(), "token", "list"});
    CHECK(table.out.find("acme") != std::string::npos);
    CHECK(table.out.find("secret-token-value-123456") == std::string::npos);

    auto get = target.redops({"--config", config.string(), "token", "get", "--tenant", "acme", "--json"});
    CHECK(get.exit_code == 0);
    auto flush = target.redops({"--config", config.string(), "token", "flush", "--tenant", "acme", "--json"});
    CHECK(json::parse(flush.out)["deleted"] == 1);
}
