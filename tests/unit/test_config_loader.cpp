#include "common/error.h"
#include "config/loader.h"
#include "config_test_support.h"

#include <catch2/catch.hpp>

using namespace redops::config;
using redops::Error;
using redops::ErrorKind;

namespace {

// No test here answers a prompt: one that asks fails.
struct Loader : redops::test::Loader {
    Loader()
    {
        prompt = [](const std::string&) -> std::string { throw std::logic_error("unexpected prompt"); };
    }
};

} // namespace

TEST_CASE("loader: defaults without file, env or flags", "[config][loader]")
{
    Loader loader;
    auto settings = loader.load();
    const auto& c = settings.connection;
    CHECK(c.host.value == "127.0.0.1");
    CHECK(c.host.origin.source == Source::default_value);
    CHECK(c.port.value == 6379);
    CHECK(c.db.value == 0);
    CHECK(c.password.value.empty());
    CHECK_FALSE(c.tls.enabled.value);
    CHECK(c.connect_timeout.value == Millis{2000});
    CHECK(c.command_timeout.value == Millis{5000});
    CHECK(settings.keys.token.value.text() == "auth:token:{provider}:{tenant}");
    CHECK(settings.keys.user_index.value.text() == "user:sessions:{user}");
    CHECK(settings.defaults.lock_ttl.value == Millis{30'000});
    CHECK(settings.profile.value.empty());
    CHECK(settings.config_file.value.empty());
    CHECK(settings.warnings.empty());
}

TEST_CASE("loader: precedence flag > env > file > default per field", "[config][loader]")
{
    Loader loader;
    auto path = loader.config(R"({"host": "file-host", "port": 7001, "db": 3, "user": "file-user", "timeout": "9s"})");
    loader.env["REDIS_HOST"] = "env-host";
    loader.env["REDIS_PORT"] = "7002";
    loader.flags.host = "flag-host";
    auto settings = loader.load();
    const auto& c = settings.connection;
    CHECK(c.host.value == "flag-host");
    CHECK(describe(c.host.origin) == "flag --host");
    CHECK(c.port.value == 7002);
    CHECK(describe(c.port.origin) == "env REDIS_PORT");
    CHECK(c.db.value == 3);
    CHECK(describe(c.db.origin) == "file " + path);
    CHECK(c.user.value == "file-user");
    CHECK(c.command_timeout.value == Millis{9000});
    CHECK(describe(c.connect_timeout.origin) == "default");
    CHECK(describe(settings.config_file.origin) == "flag --config");
}

TEST_CASE("loader: a URL supplies its level, fields of that level override it", "[config][loader]")
{
    Loader loader;
    loader.config(R"({"host": "file-host", "port": 7001, "db": 3, "password": "file-pw"})");
    loader.env["REDIS_URL"] = "redis://url-user:url-pw@url-host:7000/5";
    loader.env["REDIS_PORT"] = "7005";
    auto settings = loader.load();
    const auto& c = settings.connection;
    CHECK(c.host.value == "url-host");
    CHECK(describe(c.host.origin) == "env REDIS_URL");
    CHECK(c.port.value == 7005);
    CHECK(c.db.value == 5);
    CHECK(c.user.value == "url-user");
    CHECK(c.password.value == "url-pw");
    CHECK(describe(c.password.origin) == "env REDIS_URL");

    SECTION("REDIS_PASSWORD overrides the password of REDIS_URL")
    {
        loader.env["REDIS_PASSWORD"] = "env-pw";
        CHECK(loader.load().connection.password.value == "env-pw");
    }

    SECTION("a URL without port or db means 6379, keeps the lower db")
    {
        loader.env.erase("REDIS_PORT");
        loader.env["REDIS_URL"] = "redis://other";
        auto plain = loader.load();
        CHECK(plain.connection.port.value == 6379);
        CHECK(plain.connection.db.value == 3);
        CHECK(plain.connection.password.value == "file-pw");
    }
    SECTION("a flag URL beats env fields; --tls beats the flag URL's scheme")
    {
        loader.flags.url = "redis://flag-host/1";
        loader.flags.tls = true;
        auto flagged = loader.load();
        CHECK(flagged.connection.host.value == "flag-host");
        CHECK(flagged.connection.port.value == 6379);
        CHECK(describe(flagged.connection.port.origin) == "flag --url");
        CHECK(flagged.connection.tls.enabled.value);
        CHECK(describe(flagged.connection.tls.enabled.origin) == "flag --tls");
    }
}

TEST_CASE("loader: rediss and unix URLs set the transport", "[config][loader]")
{
    Loader loader;
    loader.env["REDIS_URL"] = "rediss://secure:6380";
    CHECK(loader.load().connection.tls.enabled.value);

    loader.env["REDIS_URL"] = "unix:///run/redis.sock?db=2";
    auto sock = loader.load();
    CHECK(sock.connection.unix_path.value == "/run/redis.sock");
    CHECK(sock.connection.db.value == 2);

    // An explicit host above the unix socket's level means TCP again.
    loader.flags.host = "tcp-host";
    auto tcp = loader.load();
    CHECK(tcp.connection.unix_path.value.empty());
    CHECK(tcp.connection.host.value == "tcp-host");
}

TEST_CASE("loader: profiles override the top level", "[config][loader]")
{
    Loader loader;
    auto path = loader.config(R"({
        // base settings
        "host": "base", "db": 1, "timeout": "3s",
        "default_profile": "staging",
        "profiles": {
            "prod": {"host": "prod-host", "keys": {"token": "prod:{tenant}"}},
            "staging": {"host": "staging-host", /* inline comment */ "db": 2}
        }
    })");
    auto staging = loader.load();
    CHECK(staging.profile.value == "staging");
    CHECK(describe(staging.profile.origin) == "file " + path);
    CHECK(staging.connection.host.value == "staging-host");
    CHECK(describe(staging.connection.host.origin) == "file " + path + ":staging");
    CHECK(staging.connection.db.value == 2);
    CHECK(staging.connection.command_timeout.value == Millis{3000});
    CHECK(describe(staging.connection.command_timeout.origin) == "file " + path);

    loader.env["REDOPS_PROFILE"] = "prod";
    auto prod = loader.load();
    CHECK(prod.profile.value == "prod");
    CHECK(describe(prod.profile.origin) == "env REDOPS_PROFILE");
    CHECK(prod.connection.host.value == "prod-host");
    CHECK(prod.connection.db.value == 1);
    CHECK(prod.keys.token.value.text() == "prod:{tenant}");

    loader.flags.profile = "staging";
    CHECK(loader.load().connection.host.value == "staging-host");

    loader.flags.profile = "qa";
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("\"qa\"") && Catch::Contains("available: prod, staging"));
}

TEST_CASE("loader: a profile without a config file is an error", "[config][loader]")
{
    Loader loader;
    loader.flags.profile = "prod";
    CHECK_THAT(loader.error().what(), Catch::Contains("profile \"prod\"") && Catch::Contains("no"));
}

TEST_CASE("loader: finds the config file on the search path", "[config][loader]")
{
    Loader loader;
    CHECK(loader.load().config_file.value.empty());

    auto home_file = loader.dir.write(".config/redops/config.json", R"({"host": "from-home"})");
    auto settings = loader.load();
    CHECK(settings.config_file.value == home_file);
    CHECK(settings.connection.host.value == "from-home");

    loader.env["XDG_CONFIG_HOME"] = (loader.dir.path() / "xdg").string();
    auto xdg_file = loader.dir.write("xdg/redops/config.json", R"({"host": "from-xdg"})");
    CHECK(loader.load().connection.host.value == "from-xdg");

    auto named = loader.dir.write("named.json", R"({"host": "from-env"})");
    loader.env["REDOPS_CONFIG"] = named;
    CHECK(loader.load().connection.host.value == "from-env");
    CHECK(describe(loader.load().config_file.origin) == "env REDOPS_CONFIG");
}

TEST_CASE("loader: a missing explicit config file is an error", "[config][loader]")
{
    Loader loader;
    loader.flags.config_file = (loader.dir.path() / "missing.json").string();
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("missing.json") && Catch::Contains("does not exist"));

    loader.flags.config_file.reset();
    loader.env["REDOPS_CONFIG"] = (loader.dir.path() / "gone.json").string();
    CHECK_THAT(loader.error().what(), Catch::Contains("gone.json") && Catch::Contains("REDOPS_CONFIG"));
}

TEST_CASE("loader: bad config files name the file and the problem", "[config][loader]")
{
    Loader loader;
    struct Case {
        const char* json;
        const char* fragment;
    };
    const Case cases[] = {
        {R"({"prot": 6379})", "unknown key \"prot\""},
        {R"({"profiles": {"prod": {"hots": "x"}}})", "unknown key \"hots\" in profiles.prod"},
        {R"({"profiles": {"prod": {"default_profile": "x"}}})", "unknown key \"default_profile\""},
        {R"({"tls": {"enable": true}})", "unknown key \"enable\" in tls"},
        {R"({"keys": {"tokens": "x"}})", "unknown key \"tokens\" in keys"},
        {R"({"defaults": {"lock_tll": "1s"}})", "unknown key \"lock_tll\" in defaults"},
        {R"({"port": "6379"})", "port: must be an integer"},
        {R"({"port": 70000})", "out of range"},
        {R"({"db": -1})", "db -1"},
        {R"({"cluster": "yes"})", "cluster: must be true or false"},
        {R"({"sentinels": "h:1"})", "sentinels: must be an array"},
        {R"({"sentinels": ["nohostport"]})", "invalid sentinel address"},
        {R"({"timeout": "5"})", "missing unit"},
        {R"({"timeout": "0s"})", "timeout: duration \"0s\" is out of range (1ms-1h)"},
        {R"({"timeout": "2h"})", "out of range (1ms-1h)"},
        {R"({"db": 1e400})", "a number is out of range"},
        {R"({"port": 1e400})", "a number is out of range"},
        {R"({"databases": 0})", "databases: 0 is out of range"},
        {R"({"defaults": {"lock_ttl": "3651d"}})", "defaults.lock_ttl: duration \"3651d\" is out of range"},
        {R"({"defaults": {"dedupe_ttl_s": 315360001}})", "defaults.dedupe_ttl_s: 315360001 is out of range"},
        {R"({"defaults": {"token_safety_buffer_s": -1}})", "defaults.token_safety_buffer_s: -1 is out of range"},
        {R"({"defaults": {"scan_count": 100001}})", "defaults.scan_count: 100001 is out of range"},
        {R"({"defaults": {"degraded_window": "0ms"}})", "defaults.degraded_window"},
        {R"({"url": "unix:///tmp/r.sock", "port": 7000})", "port contradicts the unix socket URL"},
        {R"({"timeout": 5})", "timeout: must be a string"},
        {R"({"keys": {"token": "auth:{tenat}"}})", "unknown placeholder {tenat}"},
        {R"({"defaults": {"scan_count": 0}})", "defaults.scan_count: 0 is out of range (1-100000)"},
        {R"({"url": "redis://h:0"})", "port 0 is out of range"},
        {R"({"profiles": []})", "\"profiles\" must be an object"},
        {R"({"default_profile": "nope", "profiles": {"a": {}}})", "no profile named \"nope\" (available: a)"},
        {R"([1, 2])", "must be a JSON object"},
        {R"({"password": "x", "password_file": "/y"})", "either password or password_file"},
        {"{\n  \"host\": \"h\",\n  \"port\": 6379,,\n}", "invalid JSON at line 3"},
    };
    for (const auto& c : cases) {
        INFO(c.json);
        auto path = loader.config(c.json);
        auto error = loader.error();
        CHECK(error.kind() == ErrorKind::config);
        CHECK_THAT(error.what(), Catch::Contains(path) && Catch::Contains(c.fragment));
    }
}

TEST_CASE("loader: config file errors never echo a password", "[config][loader]")
{
    Loader loader;
    for (const char* json :
         {R"({"password": 12345678})", R"({"url": "redis://:hunter2@h:0"})", "{\"password\": \"hunter2\x01\"}",
          "{\"password\": \"hunter2", R"({"password": hunter2})"}) {
        INFO(json);
        loader.config(json);
        CHECK_THAT(loader.error().what(), !Catch::Contains("hunter2") && !Catch::Contains("12345678"));
    }
}

TEST_CASE("loader: environment values are checked", "[config][loader]")
{
    Loader loader;
    loader.env["REDIS_PORT"] = "abc";
    CHECK_THAT(loader.error().what(), Catch::Contains("REDIS_PORT") && Catch::Contains("\"abc\""));
    loader.env["REDIS_PORT"] = "";
    CHECK(loader.load().connection.port.value == 6379);
    loader.env["REDIS_DB"] = "-2";
    CHECK_THAT(loader.error().what(), Catch::Contains("REDIS_DB"));
    loader.env.erase("REDIS_DB");
    loader.env["REDIS_URL"] = "redis://:hunter2@h:99999";
    auto error = loader.error();
    CHECK_THAT(error.what(), Catch::StartsWith("REDIS_URL: ") && !Catch::Contains("hunter2"));
}
