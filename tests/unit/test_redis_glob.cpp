#include "common/error.h"
#include "redis/glob.h"
#include "redis/scan.h"

#include <catch2/catch.hpp>
#include <string>

using redops::redis::glob_match;

TEST_CASE("glob_match decides as Redis MATCH does", "[redis][glob]")
{
    CHECK(glob_match("auth:token:*", "auth:token:g:acme"));
    CHECK_FALSE(glob_match("auth:token:*", "lock:a"));
    CHECK_FALSE(glob_match("auth:token:*", "user:sessions:u1"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("", ""));
    CHECK_FALSE(glob_match("", "a"));
    CHECK(glob_match("a?c", "abc"));
    CHECK_FALSE(glob_match("a?c", "ac"));
    CHECK(glob_match("a*b*c", "a--b--b--c"));
    CHECK_FALSE(glob_match("a*b*c", "a--b--b--"));
    CHECK(glob_match("[abc]x", "bx"));
    CHECK_FALSE(glob_match("[abc]x", "dx"));
    CHECK(glob_match("[^abc]x", "dx"));
    CHECK_FALSE(glob_match("[^abc]x", "ax"));
    CHECK(glob_match("[a-c]", "b"));
    CHECK(glob_match("[c-a]", "b")); // a reversed range is swapped, as in Redis
    CHECK_FALSE(glob_match("[a-c]", "d"));
    CHECK(glob_match("[\\]]", "]"));
    // Escaped metacharacters match only themselves: a tenant named '*' is not every tenant.
    CHECK(glob_match("auth:token:g:\\*", "auth:token:g:*"));
    CHECK_FALSE(glob_match("auth:token:g:\\*", "auth:token:g:acme"));
    CHECK(glob_match("a\\?b", "a?b"));
    CHECK_FALSE(glob_match("a\\?b", "axb"));
    CHECK(glob_match("x\\", "x\\")); // a trailing backslash is literal
    // Binary keys.
    std::string binary("k\0\xff", 3);
    CHECK(glob_match("k*", binary));
    CHECK(glob_match(std::string("k\0?", 3), binary));
}

TEST_CASE("glob_match stays linear-ish on crafted input", "[redis][glob]")
{
    std::string text(20000, 'a');
    std::string pattern = "*a*a*a*a*a*a*a*a*b";
    CHECK_FALSE(glob_match(pattern, text)); // backtracks to the last star only: no exponential blow-up
}

TEST_CASE("a SCAN reply with a cursor that is not a number is a protocol error", "[redis][scan]")
{
    using redops::redis::Reply;
    auto reply_with = [](std::string cursor) {
        Reply r;
        r.type = Reply::Type::array;
        Reply c;
        c.type = Reply::Type::string;
        c.str = std::move(cursor);
        Reply items;
        items.type = Reply::Type::array;
        r.elements = {c, items};
        return r;
    };
    std::vector<std::string> keys;
    CHECK(redops::redis::read_scan_reply(reply_with("17"), keys) == "17");
    for (std::string bad : {"abc", "", "-1", "1x", "99999999999999999999999"}) {
        INFO(bad);
        try {
            redops::redis::read_scan_reply(reply_with(bad), keys);
            FAIL("accepted");
        } catch (const redops::Error& e) {
            CHECK(e.kind() == redops::ErrorKind::protocol);
        }
    }
}

TEST_CASE("ScanBound stops a cursor that repeats or an iteration that never ends", "[redis][scan]")
{
    using redops::redis::ScanBound;
    ScanBound repeat("SCAN on test", 100, 10);
    repeat.step("5");
    repeat.step("9");
    REQUIRE_THROWS_AS(repeat.step("5"), redops::Error);

    ScanBound endless("SCAN on test", 100, 10);
    long long calls = 0;
    try {
        for (unsigned long long c = 1; c < 1'000'000; ++c) {
            endless.step(std::to_string(c));
            ++calls;
        }
        FAIL("never stopped");
    } catch (const redops::Error& e) {
        CHECK(e.kind() == redops::ErrorKind::protocol);
        CHECK_THAT(e.what(), Catch::Contains("did not finish"));
    }
    CHECK(calls < redops::redis::scan_call_limit(100, 10));
    // A real iteration of a keyspace that size finishes well within it.
    ScanBound normal("SCAN on test", 1'000'000, 1000);
    for (unsigned long long c = 1; c <= 2000; ++c) {
        normal.step(std::to_string(c * 7919));
    }
    normal.step("0");
}
