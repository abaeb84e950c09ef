#include "common/error.h"
#include "config/limits.h"
#include "config/loader.h"
#include "config_test_support.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace redops::config;
using redops::Error;
using redops::ErrorKind;
using redops::test::Loader;

TEST_CASE("limits: ranges name the value and the bounds", "[config][limits]")
{
    CHECK(out_of_range(255, k_exit_code_range).empty());
    CHECK(out_of_range(256, k_exit_code_range) == "256 is out of range (1-255)");
    CHECK(out_of_range(0.0, k_latency_ms_range).empty());
    CHECK(out_of_range(-0.5, k_latency_ms_range) == "-0.5 is out of range (0-3600000)");
    CHECK_FALSE(out_of_range(std::nan(""), k_latency_ms_range).empty());
    CHECK_FALSE(out_of_range(HUGE_VAL, k_rate_range).empty());
    CHECK(bad_duration("3650d", k_ttl_range).empty());
    CHECK(bad_duration("3651d", k_ttl_range) == "duration \"3651d\" is out of range (1ms-3650d)");
    // Fits in 64 bits, so only the range stops it from reaching Redis.
    CHECK_THAT(bad_duration("106751991167d", k_ttl_range), Catch::Contains("out of range"));
    CHECK_THAT(bad_duration("soon", k_ttl_range), Catch::Contains("invalid duration \"soon\""));
    CHECK(checked_duration("--wait", "0s", k_wait_range, ErrorKind::usage) == Millis{0});
    CHECK_THROWS_WITH(checked_count("--limit", 0, k_limit_range, ErrorKind::usage),
                      "--limit: 0 is out of range (1-1000000000)");
}

TEST_CASE("loader: db is below the number of databases, 16 unless the file says more", "[config][limits]")
{
    Loader loader;
    loader.flags.db = 15;
    CHECK(loader.load().connection.db.value == 15);
    loader.flags.db = 16;
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(), Catch::Contains("db 16 is out of range (0-15)") && Catch::Contains("flag --db"));
    loader.flags.config_file = loader.dir.write("c.json", R"({"databases": 64})");
    CHECK(loader.load().connection.db.value == 16);
    loader.flags.db = 64;
    CHECK_THAT(loader.error().what(), Catch::Contains("db 64 is out of range (0-63)"));
    loader.flags = {};
    loader.env["REDIS_DB"] = "99";
    error = loader.error();
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("env REDIS_DB"));
}

TEST_CASE("loader: cluster mode takes database 0 only", "[config][limits]")
{
    Loader loader;
    loader.flags.cluster = true;
    loader.flags.url = "redis://h:7000/2";
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(), Catch::Contains("a Redis Cluster has only database 0"));
    loader.flags.url = "redis://h:7000/0";
    CHECK(loader.load().connection.cluster.value);
}

TEST_CASE("loader: a unix socket URL and a host or port at the same level contradict", "[config][limits]")
{
    Loader loader;
    loader.flags.url = "unix:///tmp/r.sock";
    loader.flags.port = 7000;
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(), Catch::Contains("--port contradicts the unix socket URL of flag --url"));
    loader.flags.port.reset();
    loader.flags.host = "h";
    CHECK_THAT(loader.error().what(), Catch::Contains("--host contradicts"));
    // A lower level's socket is overridden, as before.
    loader.flags = {};
    loader.env["REDIS_URL"] = "unix:///tmp/r.sock";
    loader.flags.port = 7000;
    CHECK(loader.load().connection.unix_path.value.empty());
    loader.env["REDIS_PORT"] = "7001";
    CHECK(loader.error().kind() == ErrorKind::config);
}

TEST_CASE("loader: TLS files must exist, a certificate needs its key", "[config][limits]")
{
    Loader loader;
    std::string pem = loader.dir.write("client.pem", "x");
    loader.flags.cacert = (loader.dir.path() / "missing.pem").string();
    auto error = loader.error();
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(),
               Catch::Contains("--cacert \"" + *loader.flags.cacert + "\" (from flag --cacert) does not exist"));
    loader.flags.cacert.reset();
    loader.flags.cacertdir = pem;
    CHECK_THAT(loader.error().what(), Catch::Contains("is not a directory"));
    loader.flags.cacertdir = loader.dir.path().string();
    loader.flags.cert = pem;
    CHECK_THAT(loader.error().what(), Catch::Contains("needs its private key (--key)"));
    loader.flags.cert.reset();
    loader.flags.key = pem;
    CHECK_THAT(loader.error().what(), Catch::Contains("needs its client certificate (--cert)"));
    loader.flags.cert = pem;
    CHECK(loader.load().connection.tls.key.value == pem);
    // The key may come from the file and the certificate from a flag.
    loader.flags.key.reset();
    loader.flags.config_file = loader.dir.write("c.json", R"({"tls": {"key": "client.pem"}})");
    CHECK(loader.load().connection.tls.key.value == pem);
    loader.flags.config_file = loader.dir.write("d.json", R"({"tls": {"key": "gone.pem"}})");
    error = loader.error();
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains("--key \"" + (loader.dir.path() / "gone.pem").string() + "\" (from file"));
}
