// Pure logic under src/redis and src/common: RESP encoding, routing keys, INFO parsing, SHA-1 script ids.
#include "common/error.h"
#include "common/sha1.h"
#include "redis/command.h"
#include "redis/connection.h"

#include <catch2/catch.hpp>

using namespace redops;
using namespace redops::redis;

TEST_CASE("SHA-1 matches known digests (EVALSHA ids)", "[sha1]")
{
    CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(sha1_hex(std::string(1000, 'a')) == "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    // Redis' own example: SCRIPT LOAD "return 1"
    CHECK(sha1_hex("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("commands encode as binary-safe RESP", "[command]")
{
    std::string out;
    append_resp(cmd("SET", std::string("k\0y", 3), 42), out);
    CHECK(out == std::string("*3\r\n$3\r\nSET\r\n$3\r\nk\0y\r\n$2\r\n42\r\n", 30));
}

TEST_CASE("routing keys for cluster slots", "[command]")
{
    CHECK(cmd("GET", "a").routing_key() == "a");
    CHECK(cmd("ping").routing_key() == std::nullopt);
    CHECK(cmd("SCAN", "0", "COUNT", "10").routing_key() == std::nullopt);
    CHECK(cmd("EVALSHA", "abc", "1", "lock:x", "tok").routing_key() == "lock:x");
    CHECK(cmd("EVAL", "return 1", "0").routing_key() == std::nullopt);
    CHECK(cmd("set", "k", "v").name() == "SET");
}

TEST_CASE("INFO text parses into fields, skipping sections", "[info]")
{
    auto fields = parse_info(
        "# Server\r\nredis_version:7.0.15\r\nrole:master\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n");
    REQUIRE(fields.size() == 3);
    CHECK(fields[0] == std::pair<std::string, std::string>{"redis_version", "7.0.15"});
    CHECK(fields[2].second == "keys=1,expires=0");
}

TEST_CASE("error kinds map to the contract's exit codes", "[errors]")
{
    CHECK(exit_code_for(ErrorKind::usage) == 2);
    CHECK(exit_code_for(ErrorKind::config) == 2);
    CHECK(exit_code_for(ErrorKind::connection) == 3);
    CHECK(exit_code_for(ErrorKind::auth) == 3);
    CHECK(exit_code_for(ErrorKind::timeout) == 3);
    CHECK(exit_code_for(ErrorKind::tls) == 3);
    CHECK(exit_code_for(ErrorKind::server) == 4);
    CHECK(exit_code_for(ErrorKind::data) == 4);
    ServerError wrongtype("WRONGTYPE Operation against a key holding the wrong kind of value");
    CHECK(wrongtype.prefix() == "WRONGTYPE");
    CHECK(wrongtype.kind() == ErrorKind::server);
    CHECK(ServerError("WRONGPASS invalid username-password pair").kind() == ErrorKind::auth);
}
