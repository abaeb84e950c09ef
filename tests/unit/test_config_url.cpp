#include "common/error.h"
#include "config/url.h"

#include <catch2/catch.hpp>
#include <string>

using redops::Error;
using redops::ErrorKind;
using redops::config::parse_redis_url;
using redops::config::redact_url;
using redops::config::RedisUrl;

namespace {

std::string error_of(std::string_view url)
{
    try {
        parse_redis_url(url);
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::config);
        return error.what();
    }
    FAIL("no error for " << std::string(url));
    return {};
}

} // namespace

TEST_CASE("parse_redis_url reads redis:// URLs", "[config][url]")
{
    auto url = parse_redis_url("redis://alice:s3cret@cache.example.com:6380/2");
    CHECK(url.scheme == RedisUrl::Scheme::tcp);
    CHECK(url.host == "cache.example.com");
    CHECK(url.port == 6380);
    CHECK(url.db == 2);
    CHECK(url.user == "alice");
    CHECK(url.password == "s3cret");

    auto plain = parse_redis_url("redis://localhost");
    CHECK(plain.host == "localhost");
    CHECK(plain.port == 6379);
    CHECK_FALSE(plain.db);
    CHECK_FALSE(plain.user);
    CHECK_FALSE(plain.password);

    CHECK(parse_redis_url("redis://h/").db == std::nullopt);
    CHECK(parse_redis_url("REDIS://h:1").port == 1);
    CHECK(parse_redis_url("redis://h:65535/0").port == 65535);
}

TEST_CASE("parse_redis_url reads userinfo variants", "[config][url]")
{
    auto password_only = parse_redis_url("redis://:pass@host");
    CHECK_FALSE(password_only.user);
    CHECK(password_only.password == "pass");

    auto user_only = parse_redis_url("redis://bob@host");
    CHECK(user_only.user == "bob");
    CHECK_FALSE(user_only.password);

    auto encoded = parse_redis_url("redis://us%65r:p%40ss%3Aw%2Fd@host");
    CHECK(encoded.user == "user");
    CHECK(encoded.password == "p@ss:w/d");

    // A raw '@' or ':' in the password still works: the last '@' ends the userinfo.
    auto raw = parse_redis_url("redis://u:p@ss:word@host:7000");
    CHECK(raw.password == "p@ss:word");
    CHECK(raw.host == "host");
    CHECK(raw.port == 7000);
}

TEST_CASE("parse_redis_url reads rediss, IPv6 and unix URLs", "[config][url]")
{
    auto tls = parse_redis_url("rediss://secure.example.com");
    CHECK(tls.scheme == RedisUrl::Scheme::tls);
    CHECK(tls.port == 6379);

    auto v6 = parse_redis_url("redis://[::1]:6390/3");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 6390);
    CHECK(v6.db == 3);
    CHECK(parse_redis_url("redis://[fe80::1%25eth0]").host == "fe80::1%25eth0");

    auto sock = parse_redis_url("unix:///var/run/redis/redis.sock?db=4");
    CHECK(sock.scheme == RedisUrl::Scheme::unix_socket);
    CHECK(sock.path == "/var/run/redis/redis.sock");
    CHECK(sock.db == 4);
    CHECK(parse_redis_url("unix:/tmp/r.sock").path == "/tmp/r.sock");
    CHECK(parse_redis_url("unix:///tmp/with%20space.sock").path == "/tmp/with space.sock");

    auto query = parse_redis_url("unix:///tmp/r.sock?user=ops&password=a%26b&db=1");
    CHECK(query.user == "ops");
    CHECK(query.password == "a&b");
    CHECK(query.db == 1);
    // A raw '&' inside a password stays in it unless a known key follows.
    CHECK(parse_redis_url("unix:///tmp/r.sock?password=x&y&db=2").password == "x&y");
    CHECK(parse_redis_url("redis://h?db=5").db == 5);
}

TEST_CASE("parse_redis_url rejects malformed URLs and names them", "[config][url]")
{
    struct Case {
        const char* url;
        const char* fragment;
    };
    const Case cases[] = {
        {"", "empty"},
        {"localhost:6379", "unknown scheme \"localhost\""},
        {"localhost", "missing scheme"},
        {"http://h", "unknown scheme \"http\""},
        {"redis:h", "expected \"//\""},
        {"redis:/h", "expected \"//\""},
        {"redis://", "empty host"},
        {"redis://:6379", "empty host"},
        {"redis://user:pw@", "empty host"},
        {"redis://h:", "empty port"},
        {"redis://h:0", "port 0 is out of range"},
        {"redis://h:65536", "port 65536 is out of range"},
        {"redis://h:-1", "port \"-1\" is not a number"},
        {"redis://h:abc", "port \"abc\" is not a number"},
        {"redis://h:99999999999", "not a number"},
        {"redis://h:63 79", "not a number"},
        {"redis://h/x", "db \"x\" is not a non-negative number"},
        {"redis://h/-1", "db \"-1\""},
        {"redis://h/1/2", "db \"1/2\""},
        {"redis://h/99999999999", "db \"99999999999\""},
        {"redis://h?db=x", "db \"x\""},
        {"redis://h/1?db=2", "given twice"},
        {"redis://h?foo=1", "unknown query parameter \"foo\""},
        {"redis://h?db=1&bar", "unknown query parameter \"bar\""},
        {"redis://ho st", "invalid host"},
        {"redis://h#frag", "invalid host"},
        {"redis://[::1", "unterminated '['"},
        {"redis://[::1]x", "unexpected \"x\""},
        {"redis://[]:6379", "invalid IPv6"},
        {"redis://[not-v6]", "invalid IPv6"},
        {"redis://us%zzer@h", "bad percent escape in the user"},
        {"redis://u:pw%4@h", "bad percent escape in the password"},
        {"unix://", "names no host"},
        {"unix://host/tmp/r.sock", "names no host"},
        {"unix:relative.sock", "must be absolute"},
        {"unix:///tmp/", "missing socket file name"},
        {"unix:///tmp/r.sock?bogus=1", "unknown query parameter"},
        {"unix:///tmp/%g1.sock", "bad percent escape in the path"},
    };
    for (const auto& c : cases) {
        INFO(c.url);
        auto message = error_of(c.url);
        CHECK_THAT(message, Catch::StartsWith("invalid Redis URL \"") && Catch::Contains(c.fragment));
    }
}

TEST_CASE("URL errors never echo the password", "[config][url]")
{
    const char* urls[] = {
        "redis://user:hunter2@:6379",
        "redis://user:hunter2@h:0",
        "redis://user:hunter2@h:abc",
        "redis://:hunter2@h/x",
        "redis://:hunter2@[::1",
        "redis://u:hunter2@h?foo=1",
        "rediss://:hunter2%zz@h",
        "redis://u:hun/ter2@h:x",
        "http://u:hunter2@h",
        "unix:///tmp/r.sock?foo=1&password=hunter2",
        "unix:///tmp/r.sock?password=hunter2&db=x",
        "unix:///tmp/r.sock?password=hun%zzter2",
        "redis://h?password=hunter2&db=-1",
        "redis://h?password=hun@ter2&db=1",
    };
    for (const char* url : urls) {
        INFO(url);
        auto message = error_of(url);
        CHECK_THAT(message, !Catch::Contains("hunter2") && !Catch::Contains("hun") && Catch::Contains("***"));
    }
}

TEST_CASE("redact_url masks passwords only", "[config][url]")
{
    CHECK(redact_url("redis://alice:s3cret@h:6380/2") == "redis://alice:***@h:6380/2");
    CHECK(redact_url("redis://:s3cret@h") == "redis://:***@h");
    CHECK(redact_url("redis://alice@h") == "redis://alice@h");
    CHECK(redact_url("redis://h:6379") == "redis://h:6379");
    CHECK(redact_url("redis://u:p@ss@h") == "redis://u:***@h");
    CHECK(redact_url("unix:///s.sock?db=1&password=pw&user=u") == "unix:///s.sock?db=1&password=***&user=u");
    CHECK(redact_url("unix:///tmp/a@b.sock") == "unix:///tmp/a@b.sock");
    CHECK(redact_url("user:pw@host") == "user:***@host");
}

TEST_CASE("redact_url masks the userinfo password of every scheme, unix:// included", "[config][url]")
{
    CHECK(redact_url("unix://ops:hunter2@/tmp/r.sock") == "unix://ops:***@/tmp/r.sock");
    try {
        parse_redis_url("unix://ops:hunter2@/tmp/r.sock");
        FAIL("a unix URL with a host part was accepted");
    } catch (const redops::Error& e) {
        CHECK_THAT(e.what(), !Catch::Contains("hunter2") && Catch::Contains("unix://ops:***@/tmp/r.sock"));
    }
}
