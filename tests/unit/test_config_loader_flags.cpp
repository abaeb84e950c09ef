#include "common/error.h"
#include "config/loader.h"
#include "config/show.h"
#include "config_test_support.h"

#include <catch2/catch.hpp>

using namespace redops::config;
using redops::Error;
using redops::ErrorKind;

namespace {

// Answers every prompt with "typed-pw" and keeps what it was asked.
struct Loader : redops::test::Loader {
    std::vector<std::string> prompts;
    Loader()
    {
        prompt = [this](const std::string& text) {
            prompts.push_back(text);
            return std::string("typed-pw");
        };
    }
};

std::string value_of(const std::vector<ShownSetting>& rows, const std::string& name)
{
    for (const auto& row : rows) {
        if (row.name == name) {
            return row.value + " | " + row.source;
        }
    }
    FAIL("no row " << name);
    return {};
}

} // namespace

TEST_CASE("loader: password precedence", "[config][loader][password]")
{
    Loader loader;
    loader.flags.config_file = loader.dir.write("c.json", R"({"password": "file-pw"})");
    CHECK(loader.load().connection.password.value == "file-pw");

    loader.env["REDISCLI_AUTH"] = "cli-pw";
    CHECK(loader.load().connection.password.value == "cli-pw");
    loader.env["REDIS_PASSWORD"] = "env-pw";
    auto from_env = loader.load();
    CHECK(from_env.connection.password.value == "env-pw");
    CHECK(describe(from_env.connection.password.origin) == "env REDIS_PASSWORD");
    CHECK(from_env.warnings.empty());

    loader.flags.password = "flag-pw";
    auto from_flag = loader.load();
    CHECK(from_flag.connection.password.value == "flag-pw");
    REQUIRE(from_flag.warnings.size() == 1);
    CHECK(from_flag.warnings[0] ==
          "a password on the command line is visible to other users; use --askpass, --password-file or REDIS_PASSWORD");
}

TEST_CASE("loader: password files", "[config][loader][password]")
{
    Loader loader;
    loader.flags.password_file = loader.dir.write("pw", "s3cret\nsecond line\n");
    auto settings = loader.load();
    CHECK(settings.connection.password.value == "s3cret");
    CHECK(describe(settings.connection.password.origin) == "flag --password-file");
    CHECK(settings.warnings.empty());

    loader.flags.password_file = loader.dir.write("crlf", "s3cret\r\n");
    CHECK(loader.load().connection.password.value == "s3cret");

    loader.flags.password_file = (loader.dir.path() / "nope").string();
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("nope"));

    loader.flags.password_file = loader.dir.write("empty", "");
    CHECK(loader.error().kind() == ErrorKind::config);

    // A relative password_file in a config file is relative to that file.
    loader.flags.password_file.reset();
    loader.dir.write("conf/pw.txt", "relative-pw\n");
    loader.flags.config_file = loader.dir.write("conf/c.json", R"({"password_file": "pw.txt"})");
    CHECK(loader.load().connection.password.value == "relative-pw");

    // A password file that a higher level overrides is never read.
    loader.flags.config_file = loader.dir.write("conf/d.json", R"({"password_file": "/does/not/exist"})");
    loader.env["REDIS_PASSWORD"] = "env-pw";
    CHECK(loader.load().connection.password.value == "env-pw");
}

TEST_CASE("loader: --askpass prompts once, last", "[config][loader][password]")
{
    Loader loader;
    loader.flags.askpass = true;
    loader.flags.host = "h";
    loader.env["REDIS_PASSWORD"] = "env-pw";
    auto settings = loader.load();
    CHECK(settings.connection.password.value == "typed-pw");
    REQUIRE(loader.prompts.size() == 1);
    CHECK_THAT(loader.prompts[0], Catch::Contains("h:6379"));

    loader.flags.password = "x";
    CHECK(loader.error().kind() == ErrorKind::usage);
}

TEST_CASE("loader: a password in the --url warns too", "[config][loader][password]")
{
    Loader loader;
    loader.flags.url = "redis://:url-pw@h";
    auto settings = loader.load();
    CHECK(settings.connection.password.value == "url-pw");
    CHECK(settings.warnings.size() == 1);
    loader.flags.password = "flag-pw";
    CHECK(loader.load().warnings.size() == 1);
}

TEST_CASE("loader: flag values are checked", "[config][loader]")
{
    Loader loader;
    SECTION("port")
    {
        loader.flags.port = 0;
        CHECK(loader.error().kind() == ErrorKind::config);
        loader.flags.port = 65536;
        CHECK_THAT(loader.error().what(), Catch::Contains("--port") && Catch::Contains("65536"));
    }
    SECTION("db")
    {
        loader.flags.db = -1;
        CHECK_THAT(loader.error().what(), Catch::Contains("--db"));
    }
    SECTION("timeouts")
    {
        loader.flags.timeout = "0s";
        CHECK_THAT(loader.error().what(), Catch::Contains("--timeout: duration \"0s\" is out of range (1ms-1h)"));
        loader.flags.timeout = "250ms";
        loader.flags.connect_timeout = "2";
        CHECK_THAT(loader.error().what(), Catch::Contains("--connect-timeout") && Catch::Contains("missing unit"));
        loader.flags.connect_timeout = "1.5s";
        auto settings = loader.load();
        CHECK(settings.connection.command_timeout.value == Millis{250});
        CHECK(settings.connection.connect_timeout.value == Millis{1500});
    }
    SECTION("sentinels")
    {
        loader.flags.sentinels = {"s1:26379", "[::1]:26380"};
        auto error = loader.error();
        CHECK(error.kind() == ErrorKind::usage);
        CHECK_THAT(error.what(), Catch::Contains("--master"));
        loader.flags.master = "mymaster";
        CHECK(loader.load().connection.sentinels.value.size() == 2);
        loader.flags.cluster = true;
        CHECK(loader.error().kind() == ErrorKind::usage);
        loader.flags.cluster = false;
        loader.flags.sentinels = {"nope"};
        CHECK(loader.error().kind() == ErrorKind::config);
    }
    SECTION("master without sentinels")
    {
        loader.flags.master = "mymaster";
        CHECK(loader.error().kind() == ErrorKind::usage);
    }
    SECTION("TLS over a unix socket")
    {
        loader.flags.url = "unix:///tmp/r.sock";
        loader.flags.tls = true;
        CHECK(loader.error().kind() == ErrorKind::usage);
    }
}

TEST_CASE("loader: TLS flags and --insecure warning", "[config][loader]")
{
    Loader loader;
    loader.flags.tls = true;
    std::string ca = loader.dir.write("ca.pem", "x");
    loader.flags.cacert = ca;
    loader.flags.sni = "redis.internal";
    loader.flags.insecure = true;
    auto settings = loader.load();
    CHECK(settings.connection.tls.enabled.value);
    CHECK(settings.connection.tls.cacert.value == ca);
    CHECK(describe(settings.connection.tls.sni.origin) == "flag --sni");
    CHECK(settings.connection.tls.insecure.value);
    REQUIRE(settings.warnings.size() == 1);
    CHECK_THAT(settings.warnings[0], Catch::Contains("verification is disabled"));
}

TEST_CASE("loader: key templates and defaults from the file", "[config][loader]")
{
    Loader loader;
    loader.dir.write("ca.pem", "x");
    auto path = loader.dir.write("c.json", R"({
        "tls": {"enabled": true, "cacert": "ca.pem", "sni": "sni.example"},
        "keys": {"session": "s:{{{id}}}", "token": "genesys:token:{tenant}"},
        "defaults": {"lock_ttl": "45s", "scan_count": 200, "session_remember_ttl": "30d", "token_safety_buffer_s": 0}
    })");
    loader.flags.config_file = path;
    auto settings = loader.load();
    CHECK(settings.keys.session.value.render({{"id", "x"}}) == "s:{x}");
    CHECK(describe(settings.keys.session.origin) == "file " + path);
    CHECK_FALSE(settings.keys.token.value.uses("provider"));
    CHECK(settings.keys.lock.value.text() == "lock:{name}");
    CHECK(settings.defaults.lock_ttl.value == Millis{45'000});
    CHECK(settings.defaults.scan_count.value == 200);
    CHECK(settings.defaults.session_remember_ttl.value == Millis{30LL * 86'400'000});
    CHECK(settings.defaults.token_safety_buffer_s.value == 0);
    CHECK(settings.connection.tls.cacert.value == (loader.dir.path() / "ca.pem").string());
    CHECK(settings.connection.tls.sni.value == "sni.example");
}

TEST_CASE("show_settings lists every value with its source, password masked", "[config][show]")
{
    Loader loader;
    auto rows = show_settings(loader.load());
    CHECK(value_of(rows, "connection.password") == "(none) | default");
    CHECK(value_of(rows, "connection.host") == "127.0.0.1 | default");
    CHECK(value_of(rows, "defaults.lock_ttl") == "30s | default");
    CHECK(value_of(rows, "defaults.session_ttl") == "1d | default");
    CHECK(value_of(rows, "keys.token") == "auth:token:{provider}:{tenant} | default");
    CHECK(value_of(rows, "profile") == "(none) | default");
    CHECK(value_of(rows, "config_file") == "(none) | default");

    loader.env["REDIS_PASSWORD"] = "hunter2";
    loader.flags.port = 7000;
    rows = show_settings(loader.load());
    CHECK(value_of(rows, "connection.password") == "*** | env REDIS_PASSWORD");
    CHECK(value_of(rows, "connection.port") == "7000 | flag --port");
    for (const auto& row : rows) {
        CHECK_THAT(row.value, !Catch::Contains("hunter2"));
    }
    CHECK(rows.size() == 37); // one row per setting: max_reply_bytes and keys.lock_fence are the newest
}

TEST_CASE("show_settings types each value for JSON under a snake_case path", "[config][show]")
{
    Loader loader;
    loader.flags.port = 7000;
    auto rows = show_settings(loader.load());
    auto row = [&](const std::string& name) -> const ShownSetting& {
        for (const auto& r : rows) {
            if (r.name == name) {
                return r;
            }
        }
        FAIL("no row " << name);
        return rows.front();
    };
    CHECK(row("connection.port").typed == 7000);
    CHECK(row("connection.port").path == std::vector<std::string>{"connection", "port"});
    CHECK(row("connection.password").typed.is_null()); // not "(none)"
    CHECK(row("profile").typed.is_null());
    CHECK(row("connection.tls.enabled").typed == false);
    CHECK(row("connection.tls.enabled").path == std::vector<std::string>{"connection", "tls", "enabled"});
    CHECK(row("connection.sentinels").typed.is_array());
    CHECK(row("defaults.lock_ttl").typed == 30'000);
    CHECK(row("defaults.lock_ttl").path.back() == "lock_ttl_ms"); // durations in ms, the unit in the name
    CHECK(row("defaults.lock_ttl").value == "30s");               // the table still reads for people
    CHECK(row("keys.token").typed == "auth:token:{provider}:{tenant}");
    for (const auto& r : rows) {
        for (const auto& part : r.path) {
            CHECK(part.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
        }
    }
}
