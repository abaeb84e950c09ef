// The Redis client against real servers: handshake, auth, unix socket, pipelines, scripts, scans, errors, timeouts.
#include "redis_server.h"

#include "common/error.h"
#include "redis/client.h"
#include "redis/connection.h"
#include "redis/scan.h"
#include "redis/script.h"

#include <catch2/catch.hpp>
#include <set>
#include <stdexcept>

using namespace redops;
using namespace redops::redis;
using redops::test::RedisServer;
using redops::test::ServerConfig;

namespace {

ErrorKind kind_of_failure(const ConnectionOptions& options)
{
    try {
        Connection::open(options);
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("connection unexpectedly succeeded");
    return ErrorKind::data;
}

} // namespace

TEST_CASE("handshake reports version, role and names the client", "[connection]")
{
    RedisServer server;
    Connection c = Connection::open(server.options());
    CHECK(c.server().version.rfind("7.", 0) == 0);
    CHECK(c.server().role == "master");
    CHECK(c.server().mode == "standalone");
    CHECK(c.call(cmd("CLIENT", "GETNAME")).str == "redops");
}

TEST_CASE("SELECT is applied from the options", "[connection]")
{
    RedisServer server;
    ConnectionOptions o = server.options();
    o.db = 3;
    Connection c = Connection::open(o);
    c.call(cmd("SET", "k", "v"));
    Connection c0 = Connection::open(server.options());
    CHECK(c0.call(cmd("EXISTS", "k")).integer == 0);
    c0.call(cmd("SELECT", 3));
    CHECK(c0.call(cmd("GET", "k")).str == "v");
}

TEST_CASE("password authentication: right, wrong and missing", "[connection][auth]")
{
    RedisServer server(ServerConfig{.requirepass = "s3cret!"});
    CHECK_NOTHROW(Connection::open(server.options()));

    ConnectionOptions wrong = server.options();
    wrong.password = "nope";
    CHECK(kind_of_failure(wrong) == ErrorKind::auth);

    ConnectionOptions missing = server.options();
    missing.password.clear();
    CHECK(kind_of_failure(missing) == ErrorKind::auth);
}

TEST_CASE("ACL user authentication", "[connection][auth]")
{
    RedisServer server(ServerConfig{.acl_users = {"user alice on >wonderland ~app:* +@all"}});
    ConnectionOptions o = server.options();
    o.user = "alice";
    o.password = "wonderland";
    Connection c = Connection::open(o);
    CHECK(c.call(cmd("ACL", "WHOAMI")).str == "alice");
    // Outside her key pattern: NOPERM is a server error (exit 4), not an auth failure.
    try {
        c.call(cmd("GET", "other:key"));
        FAIL("expected NOPERM");
    } catch (const ServerError& e) {
        CHECK(e.prefix() == "NOPERM");
        CHECK(e.kind() == ErrorKind::server);
    }
    o.password = "wrong";
    CHECK(kind_of_failure(o) == ErrorKind::auth);
}

TEST_CASE("a user named without a password is that user or an auth failure, never the default user",
          "[connection][auth]")
{
    // The default user needs no password here: connecting as it would succeed with all its rights.
    RedisServer server(ServerConfig{.acl_users = {"user reader on nopass ~* -@all +ping +hello +acl|whoami",
                                                  "user alice on >wonderland ~* +@all"}});
    ConnectionOptions o = server.options();
    o.user = "reader";
    Connection c = Connection::open(o);
    CHECK(c.call(cmd("ACL", "WHOAMI")).str == "reader");
    CHECK_THROWS_AS(c.call(cmd("SET", "k", "v")), ServerError);

    o.user = "alice";
    try {
        Connection::open(o);
        FAIL("alice without her password connected");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::auth);
        CHECK(e.remedy() == Remedy::give_password);
        CHECK(std::string(e.what()).find("no password given") != std::string::npos);
    }
    CHECK(Connection::open(server.options()).call(cmd("EXISTS", "k")).integer == 0);
}

TEST_CASE("unix socket transport", "[connection]")
{
    RedisServer server(ServerConfig{.unix_socket = true});
    ConnectionOptions o;
    o.endpoint.unix_path = server.unix_path();
    Connection c = Connection::open(o);
    CHECK(c.call(cmd("PING")).str == "PONG");
    CHECK(c.peer() == server.unix_path());
}

TEST_CASE("refused connection is a connection error", "[connection]")
{
    ConnectionOptions o;
    o.endpoint.port = redops::test::free_port();
    CHECK(kind_of_failure(o) == ErrorKind::connection);
}

TEST_CASE("a silent peer times out within the connect timeout", "[connection][timeout]")
{
    redops::test::SilentPeer peer;
    ConnectionOptions o;
    o.endpoint.port = peer.port();
    o.connect_timeout = std::chrono::milliseconds(300);
    auto start = std::chrono::steady_clock::now();
    CHECK(kind_of_failure(o) == ErrorKind::timeout);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
}

TEST_CASE("per-command timeout and the connection is not reused afterwards", "[connection][timeout]")
{
    RedisServer server;
    ConnectionOptions o = server.options();
    o.command_timeout = std::chrono::milliseconds(200);
    Connection c = Connection::open(o);
    try {
        c.call(cmd("BLPOP", "nothing", "2"));
        FAIL("expected a timeout");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::timeout);
    }
    CHECK_THROWS_AS(c.call(cmd("PING")), Error);
}

TEST_CASE("pipelines return replies in order, errors in place", "[connection][pipeline]")
{
    RedisServer server;
    Connection c = Connection::open(server.options());
    c.call(cmd("LPUSH", "list", "x"));
    std::vector<Command> batch;
    batch.reserve(2002);
    for (int i = 0; i < 2000; ++i) {
        batch.push_back(cmd("SET", "k" + std::to_string(i), std::to_string(i)));
    }
    batch.push_back(cmd("GET", "list"));
    batch.push_back(cmd("GET", "k1999"));
    auto replies = c.pipeline(batch);
    REQUIRE(replies.size() == 2002);
    CHECK(replies[0].str == "OK");
    CHECK(replies[2000].is_error());
    CHECK(replies[2000].str.rfind("WRONGTYPE", 0) == 0);
    CHECK(replies[2001].str == "1999");
    CHECK_THROWS_AS(replies[2000].check(), ServerError);
}

TEST_CASE("a pipeline sent now and received later: in order, and the connection is busy meanwhile",
          "[connection][pipeline]")
{
    RedisServer server;
    Connection c = Connection::open(server.options());
    Connection other = Connection::open(server.options());
    c.send({cmd("SET", "sent", "1"), cmd("INCR", "sent"), cmd("LPUSH", "sent", "x")});
    CHECK(c.in_flight() == 3);
    // Sent means written: another client sees the writes before this one reads a reply.
    bool seen = false;
    for (int i = 0; i < 100 && !seen; ++i) {
        seen = other.call_raw(cmd("GET", "sent")).str == "2";
    }
    CHECK(seen);
    // Any other use would read these replies as its own: refused, and the replies stay for receive().
    CHECK_THROWS_AS(c.call(cmd("PING")), std::logic_error);
    CHECK_THROWS_AS(c.pipeline({cmd("PING")}), std::logic_error);
    // More may join the queue before the first replies are read; they are received in the order sent.
    c.send({cmd("GET", "sent"), cmd("INCR", "sent")});
    CHECK(c.in_flight() == 5);
    auto first = c.receive(2);
    REQUIRE(first.size() == 2);
    CHECK(first[0].str == "OK");
    CHECK(first[1].integer == 2);
    CHECK(c.in_flight() == 3);
    auto rest = c.receive(10); // at most what is in flight
    REQUIRE(rest.size() == 3);
    CHECK(rest[0].is_wrongtype());
    CHECK(rest[1].str == "2");
    CHECK(rest[2].integer == 3);
    CHECK(c.in_flight() == 0);
    CHECK(c.receive().empty());
    CHECK(c.call(cmd("PING")).str == "PONG");
    c.send({});
    CHECK(c.in_flight() == 0);
}

TEST_CASE("a received pipeline that fails part way leaves the connection unusable", "[connection][pipeline]")
{
    RedisServer server;
    ConnectionOptions o = server.options();
    o.command_timeout = std::chrono::milliseconds(200);
    Connection c = Connection::open(o);
    c.send({cmd("PING"), cmd("BLPOP", "nothing", "2"), cmd("PING")});
    try {
        c.receive();
        FAIL("expected a timeout");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::timeout);
    }
    CHECK(c.in_flight() == 0);
    try {
        c.call(cmd("PING"));
        FAIL("a broken connection was reused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::connection);
    }
}

TEST_CASE("binary-safe values", "[connection]")
{
    RedisServer server;
    Connection c = Connection::open(server.options());
    std::string value("a\0b\r\n\xff", 6);
    c.call(cmd("SET", "bin", value));
    CHECK(c.call(cmd("GET", "bin")).str == value);
}

TEST_CASE("scripts run with EVALSHA and fall back on NOSCRIPT", "[script]")
{
    RedisServer server;
    StandaloneClient client(server.options());
    Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    client.call(cmd("SCRIPT", "FLUSH"));
    CHECK(run_script(client, script, {{"counter"}, {"5"}}).integer == 5);
    CHECK(client.call(cmd("SCRIPT", "EXISTS", script.sha())).elements.at(0).integer == 1);
    CHECK(run_script(client, script, {{"counter"}, {"1"}}).integer == 6);

    client.call(cmd("SCRIPT", "FLUSH"));
    std::vector<ScriptCall> calls(10, ScriptCall{{"counter"}, {"1"}});
    auto replies = run_script_batch(client, script, calls);
    CHECK(replies.back().integer == 16);

    Script broken("return redis.call('NOPE')");
    CHECK_THROWS_AS(run_script(client, broken, {}), ServerError);
}

TEST_CASE("SCAN streams every key exactly once, in bounded batches", "[scan]")
{
    RedisServer server;
    StandaloneClient client(server.options());
    std::vector<Command> batch;
    batch.reserve(5001);
    for (int i = 0; i < 5000; ++i) {
        batch.push_back(cmd("SET", "scan:" + std::to_string(i), "1"));
    }
    batch.push_back(cmd("SET", "other", "1"));
    client.pipeline(batch);
    std::set<std::string> seen;
    size_t largest = 0;
    scan_keys(client, "scan:*", 500, [&](const std::vector<std::string>& keys) {
        largest = std::max(largest, keys.size());
        seen.insert(keys.begin(), keys.end());
        return true;
    });
    CHECK(seen.size() == 5000);
    CHECK_FALSE(seen.contains("other"));
    CHECK(largest < 2000);

    for (int i = 0; i < 3000; ++i) {
        client.call(cmd("SADD", "set", std::to_string(i)));
    }
    SetScanCursor cursor(client, "set", 100);
    std::vector<std::string> members;
    std::set<std::string> all;
    while (cursor.next(members)) {
        all.insert(members.begin(), members.end());
    }
    CHECK(all.size() == 3000);
}
