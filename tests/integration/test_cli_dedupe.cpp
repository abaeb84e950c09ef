// `redops dedupe` end to end: the services' atomic SET NX EX mark, peeks, batches and a 20-process race.
#include "process.h"
#include "redis/command.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>

using redops::redis::cmd;
using redops::test::RunOptions;
using redops::test::TestTarget;
using json = nlohmann::json;

TEST_CASE("dedupe check --mark twice: second is a duplicate", "[cli][dedupe][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    auto peek = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m1"});
    CHECK(peek.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "dedupe:t1:m1")).integer == 0);

    auto first = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m1", "--mark", "--json"});
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(conn.call(cmd("GET", "dedupe:t1:m1")).str == "1");
    CHECK(conn.call(cmd("TTL", "dedupe:t1:m1")).integer > 86'000);

    auto second = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m1", "--mark", "--json"});
    CHECK(second.exit_code == 1);
    json doc = json::parse(second.out);
    CHECK(doc["ids"][0]["duplicate"] == true);
    CHECK(doc["ids"][0]["ttl_s"].get<long long>() > 86'000);
    CHECK(doc["duplicates"] == 1);

    auto peek2 = target.redops({"dedupe", "check", "--tenant", "t1", "--id", "m1"});
    CHECK(peek2.exit_code == 1);

    auto forget = target.redops({"dedupe", "forget", "--tenant", "t1", "--id", "m1"});
    CHECK(forget.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "dedupe:t1:m1")).integer == 0);
    CHECK(target.redops({"dedupe", "forget", "--tenant", "t1", "--id", "m1"}).exit_code == 1);
}

TEST_CASE("dedupe check reads ids from stdin in batches, honours --ttl, refuses empty values",
          "[cli][dedupe][portable]")
{
    TestTarget target;
    auto& conn = target.client();
    conn.call(cmd("SET", "dedupe:t:id7", "1", "EX", 100));
    std::string ids;
    for (int i = 0; i < 1200; ++i) {
        ids += "id" + std::to_string(i) + "\n";
    }
    auto r = target.redops({"dedupe", "check", "--tenant", "t", "--id", "-", "--mark", "--ttl", "60", "--json"},
                           RunOptions{.stdin_data = ids});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    json doc = json::parse(r.out);
    CHECK(doc["total"] == 1200);
    CHECK(doc["duplicates"] == 1);
    CHECK(doc["new"] == 1199);
    CHECK(conn.call(cmd("TTL", "dedupe:t:id1000")).integer <= 60);
    CHECK(target.key_count() == 1200);

    auto odd = target.redops({"dedupe", "check", "--tenant", "a*[x]", "--id", "?", "--mark"});
    CHECK(odd.exit_code == 0);
    CHECK(conn.call(cmd("EXISTS", "dedupe:a*[x]:?")).integer == 1);
    // A tenant holding the template's separator would make its marks ambiguous: refused, nothing written.
    CHECK(target.redops({"dedupe", "check", "--tenant", "a:b", "--id", "c", "--mark"}).exit_code == 2);
    CHECK(conn.call(cmd("EXISTS", "dedupe:a:b:c")).integer == 0);

    CHECK(target.redops({"dedupe", "check", "--tenant", "", "--id", "x"}).exit_code == 2);
    CHECK(target.redops({"dedupe", "check", "--tenant", "t", "--id", ""}).exit_code == 2);
}

TEST_CASE("dedupe: 20 processes marking the same id at once, exactly one is new", "[cli][dedupe][portable]")
{
    TestTarget target;
    std::vector<std::future<int>> runs;
    for (int i = 0; i < 20; ++i) {
        runs.push_back(std::async(std::launch::async, [&target] {
            return target.redops({"dedupe", "check", "--tenant", "t", "--id", "same", "--mark"}).exit_code;
        }));
    }
    int fresh = 0;
    int duplicates = 0;
    for (auto& run : runs) {
        int code = run.get();
        fresh += code == 0 ? 1 : 0;
        duplicates += code == 1 ? 1 : 0;
    }
    CHECK(fresh == 1);
    CHECK(duplicates == 19);
}
