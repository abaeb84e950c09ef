// Key identity end to end (spec §6): writes refuse values that make a key ambiguous, bulk deletes skip such keys,
// and nothing outside the asked-for values is ever deleted, whatever else shares the prefix.
#include "process.h"
#include "redis/command.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using redops::redis::cmd;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

void seed(TestTarget& target, const std::vector<std::string>& keys)
{
    for (const auto& key : keys) {
        target.client().call(cmd("SET", key, "3", "EX", 600));
    }
}

} // namespace

TEST_CASE("ratelimit reset --all-subjects deletes its resource's keys and skips ambiguous ones",
          "[cli][identity][portable]")
{
    TestTarget target;
    const std::vector<std::string> mine{"rate:login:u1", "rate:login:u2"};
    const std::vector<std::string> others{"rate:login:ip:1.2.3.4", "rate:loginx:u3", "rate:api:u1", "lock:login"};
    seed(target, mine);
    seed(target, others);

    auto dry = target.redops({"ratelimit", "reset", "--resource", "login", "--all-subjects", "--dry-run", "--json"});
    INFO(dry.out << dry.err);
    REQUIRE(dry.exit_code == 0);
    json plan = json::parse(dry.out);
    CHECK(plan["would_delete"] == 2);
    CHECK(plan["skipped_ambiguous"]["count"] == 1);
    CHECK(plan["skipped_ambiguous"]["first"] == json::array({"rate:login:ip:1.2.3.4"}));
    auto listed = plan["keys"].get<std::vector<std::string>>();
    std::sort(listed.begin(), listed.end());
    CHECK(listed == mine);
    CHECK(target.count_existing(mine) == 2); // a dry run changes nothing

    auto r = target.redops({"ratelimit", "reset", "--resource", "login", "--all-subjects", "--yes", "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["deleted"] == 2);
    CHECK(doc["skipped_ambiguous"]["count"] == 1);
    CHECK_THAT(r.err, Catch::Contains("rate:login:ip:1.2.3.4"));
    CHECK(target.count_existing(mine) == 0);
    CHECK(target.count_existing(others) == static_cast<long long>(others.size()));

    // Named exactly, the ambiguous key is the operator's to reset.
    auto exact = target.redops({"ratelimit", "reset", "--resource", "login", "--subject", "ip:1.2.3.4"});
    CHECK(exact.exit_code == 0);
    CHECK(target.count_existing({"rate:login:ip:1.2.3.4"}) == 0);
    CHECK(target.count_existing({"rate:loginx:u3", "rate:api:u1", "lock:login"}) == 3);
}

TEST_CASE("token set refuses a provider or tenant that makes the key ambiguous and writes nothing",
          "[cli][identity][portable]")
{
    TestTarget target;
    seed(target, {"lock:a"});
    long long before = target.key_count();
    auto r = target.redops({"token", "set", "--provider", "genesys:eu", "--tenant", "acme", "--expires-in", "3600",
                            "--token-file", "/dev/null"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--provider \"genesys:eu\""));
    redops::test::RunOptions stdin_token;
    stdin_token.stdin_data = "tok";
    auto t = target.redops({"token", "set", "--provider", "genesys", "--tenant", "eu:acme", "--expires-in", "3600",
                            "--json"},
                           stdin_token);
    CHECK(t.exit_code == 2);
    CHECK_THAT(t.err, Catch::Contains("--tenant \"eu:acme\""));
    CHECK(json::parse(t.out)["error"]["kind"] == "usage");
    CHECK(target.key_count() == before);
    // A plain value is written as before.
    auto ok = target.redops({"token", "set", "--provider", "genesys", "--tenant", "acme", "--expires-in", "3600"},
                            stdin_token);
    CHECK(ok.exit_code == 0);
    CHECK(target.count_existing({"auth:token:genesys:acme"}) == 1);
}

TEST_CASE("token flush of one provider leaves other providers' and ambiguous keys alone", "[cli][identity][portable]")
{
    TestTarget target;
    const std::string payload = R"({"token":"t","expiresAt":99999999999999,"cachedAt":1})";
    for (const auto& key : {"auth:token:genesys:acme", "auth:token:genesys:beta", "auth:token:genesys:eu:acme",
                            "auth:token:genesysx:acme", "auth:token:other:acme"}) {
        target.client().call(cmd("SET", key, payload, "EX", 600));
    }
    seed(target, {"lock:genesys", "user:sessions:genesys"});
    auto r = target.redops({"token", "flush", "--provider", "genesys", "--all-tenants", "--yes", "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["deleted"] == 2);
    CHECK(doc["skipped_ambiguous"]["count"] == 1);
    CHECK(doc["skipped_ambiguous"]["first"][0] == "auth:token:genesys:eu:acme");
    CHECK(target.count_existing({"auth:token:genesys:acme", "auth:token:genesys:beta"}) == 0);
    CHECK(target.count_existing({"auth:token:genesys:eu:acme", "auth:token:genesysx:acme", "auth:token:other:acme",
                                 "lock:genesys", "user:sessions:genesys"}) == 5);
    // --all takes every token key, the ambiguous one included: every reading of it is a token key.
    auto all = target.redops({"token", "flush", "--all", "--yes", "--json"});
    REQUIRE(all.exit_code == 0);
    CHECK(json::parse(all.out)["deleted"] == 3);
    CHECK(target.count_existing({"lock:genesys", "user:sessions:genesys"}) == 2);
}

TEST_CASE("writes of dedupe marks and rate limits refuse ambiguous ids and subjects", "[cli][identity]")
{
    TestTarget target;
    long long before = target.key_count();
    auto mark = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "msg:42", "--mark"});
    CHECK(mark.exit_code == 2);
    CHECK_THAT(mark.err, Catch::Contains("--id \"msg:42\""));
    auto hit = target.redops(
        {"ratelimit", "test", "--resource", "api", "--subject", "ip:1.2.3.4", "--limit", "5", "--window", "1m"});
    CHECK(hit.exit_code == 2);
    CHECK_THAT(hit.err, Catch::Contains("--subject \"ip:1.2.3.4\""));
    CHECK(target.key_count() == before);
    // Reading such a key is harmless: peek looks at exactly the key the services would use.
    auto peek = target.redops({"ratelimit", "test", "--resource", "api", "--subject", "ip:1.2.3.4", "--limit", "5",
                               "--window", "1m", "--peek"});
    CHECK(peek.exit_code == 0);
}
