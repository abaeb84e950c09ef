// The fault fixtures themselves, driven through redops's own client: the fake RESP server answers the handshake,
// records commands and misbehaves on cue; the proxy forwards, counts and injects its faults where it is told to.
#include "common/error.h"
#include "fake_resp_server.h"
#include "fault_proxy.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "resp_wire.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>

using namespace redops;
using namespace redops::test;
using redops::redis::cmd;
using redops::redis::Connection;
using namespace std::chrono_literals;

namespace {

redis::ConnectionOptions options_for(int port, std::chrono::milliseconds timeout = 1000ms)
{
    redis::ConnectionOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = port;
    o.connect_timeout = timeout;
    o.command_timeout = timeout;
    return o;
}

ErrorKind kind_of_failure(Connection& connection, const redis::Command& command)
{
    try {
        connection.call(command);
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("the call unexpectedly succeeded");
    return ErrorKind::usage;
}

} // namespace

TEST_CASE("fake server: handshake and a scripted reply with every command recorded", "[fault][fixture]")
{
    FakeRespServer server(fake::on("GET", FakeReply::send(resp::bulk("hello"))));
    auto o = options_for(server.port());
    o.db = 2;
    o.password = "pw";
    Connection c = Connection::open(o);
    CHECK(c.server().version == "7.0.15");
    CHECK(c.server().mode == "standalone");
    CHECK(c.server().role == "master");
    CHECK(c.call(cmd("GET", "k")).str == "hello");
    CHECK(c.call(cmd("PING")).str == "PONG");
    CHECK(c.call_raw(cmd("NOSUCH")).is_error());
    auto log = server.commands();
    REQUIRE(log.size() == 5);
    CHECK(log[0] == std::vector<std::string>{"HELLO", "2", "AUTH", "default", "pw", "SETNAME", "redops"});
    CHECK(log[1] == std::vector<std::string>{"SELECT", "2"});
    CHECK(log[2] == std::vector<std::string>{"GET", "k"});
    CHECK(server.count("get") == 1);
    CHECK(server.connections_accepted() == 1);
}

TEST_CASE("fake server: a MATCH-ignoring keyspace records what was deleted", "[fault][fixture]")
{
    FakeRespServer server(fake::keyspace_ignoring_match({{"a", "1"}, {"b", "2"}}));
    Connection c = Connection::open(options_for(server.port()));
    auto scan = c.call(cmd("SCAN", "0", "MATCH", "nothing*", "COUNT", 10));
    CHECK(scan.elements.at(0).str == "0");
    CHECK(scan.elements.at(1).elements.size() == 2);
    CHECK(c.call(cmd("UNLINK", "a", "zz")).integer == 1);
    CHECK(c.call(cmd("GET", "a")).is_nil());
    CHECK(c.call(cmd("GET", "b")).str == "2");
    CHECK(server.deleted_keys() == std::vector<std::string>{"a", "zz"});
}

TEST_CASE("fake server: stall and close mid-reply and garbage fail the client as they should", "[fault][fixture]")
{
    FakeRespServer stalled(fake::always(FakeReply::stall()));
    Connection a = Connection::open(options_for(stalled.port(), 300ms));
    auto start = std::chrono::steady_clock::now();
    CHECK(kind_of_failure(a, cmd("GET", "k")) == ErrorKind::timeout);
    CHECK(std::chrono::steady_clock::now() - start < 2s);

    FakeRespServer half(fake::always(FakeReply::send_then_close("$10\r\nabc")));
    Connection b = Connection::open(options_for(half.port()));
    CHECK(kind_of_failure(b, cmd("GET", "k")) == ErrorKind::connection);

    FakeRespServer garbage(fake::always(FakeReply::send("?what\r\n")));
    Connection d = Connection::open(options_for(garbage.port()));
    CHECK(kind_of_failure(d, cmd("GET", "k")) == ErrorKind::protocol);

    // stop() returns promptly even with a client holding a stalled connection open.
    start = std::chrono::steady_clock::now();
    stalled.stop();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
}

TEST_CASE("fake server: a flood is produced as the client reads and never held in memory", "[fault][fixture]")
{
    FakeRespServer server(fake::on("GET", FakeReply::flood_after("$1048576\r\n", 1 << 20, "\r\n")));
    Connection c = Connection::open(options_for(server.port(), 5000ms));
    auto reply = c.call(cmd("GET", "k"));
    CHECK(reply.str.size() == (1U << 20));
    CHECK(reply.str.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("proxy: passes traffic through and counts it", "[fault][fixture]")
{
    RedisServer server;
    FaultProxy proxy(server.port());
    Connection c = Connection::open(options_for(proxy.port()));
    c.call(cmd("SET", "k", "v"));
    CHECK(c.call(cmd("GET", "k")).str == "v");
    CHECK(proxy.count("SET") == 1);
    CHECK(proxy.commands_forwarded() == 3); // HELLO, SET, GET
    CHECK(proxy.bytes_to_server() > 0);
    CHECK(proxy.bytes_to_client() > 0);
    CHECK(proxy.connections_accepted() == 1);
}

TEST_CASE("proxy: an armed drop-reply loses one connection's reply after the server applied it", "[fault][fixture]")
{
    RedisServer server;
    FaultProxy proxy(server.port());
    proxy.arm("SET", ProxyMode::drop_reply);
    Connection c = Connection::open(options_for(proxy.port(), 300ms));
    CHECK(kind_of_failure(c, cmd("SET", "k", "v")) == ErrorKind::timeout);
    CHECK(proxy.fired());
    CHECK(proxy.bytes_dropped() > 0);
    Connection direct = Connection::open(server.options());
    CHECK(direct.call(cmd("GET", "k")).str == "v");
    Connection again = Connection::open(options_for(proxy.port()));
    CHECK(again.call(cmd("GET", "k")).str == "v");
}

TEST_CASE("proxy: armed reset and armed cut then stall and drip", "[fault][fixture]")
{
    RedisServer server;
    Connection direct = Connection::open(server.options());
    {
        FaultProxy proxy(server.port());
        proxy.arm("SET", ProxyMode::reset); // applied, then reset before the reply
        Connection c = Connection::open(options_for(proxy.port()));
        CHECK(kind_of_failure(c, cmd("SET", "applied", "1")) == ErrorKind::connection);
        CHECK(direct.call(cmd("EXISTS", "applied")).integer == 1);
    }
    {
        FaultProxy proxy(server.port());
        proxy.arm_cut("SET", 2); // the first SET passes; the second is cut before the server sees it
        Connection c = Connection::open(options_for(proxy.port()));
        c.call(cmd("SET", "first", "1"));
        CHECK(kind_of_failure(c, cmd("SET", "second", "1")) == ErrorKind::connection);
        CHECK(direct.call(cmd("EXISTS", "first")).integer == 1);
        CHECK(direct.call(cmd("EXISTS", "second")).integer == 0);
    }
    {
        FaultProxy proxy(server.port());
        Connection c = Connection::open(options_for(proxy.port(), 300ms));
        proxy.set_mode(ProxyMode::stall);
        CHECK(kind_of_failure(c, cmd("PING")) == ErrorKind::timeout);
        proxy.set_mode(ProxyMode::drip);
        proxy.set_drip(2, 1ms);
        Connection d = Connection::open(options_for(proxy.port(), 3000ms));
        CHECK(d.call(cmd("PING")).str == "PONG");
    }
}

TEST_CASE("server fixture: a port another server holds is never shared", "[fault][fixture]")
{
    // ctest -j2: free_port() may hand this port to another test's server before this one binds it. The fixture must
    // notice (its server exits, or PING reaches the other one) instead of running a test against foreign data.
    RedisServer first;
    auto conn = Connection::open(first.options());
    conn.call(cmd("SET", "owner", "first"));
    SECTION("a port the caller chose: an error that says so")
    {
        REQUIRE_THROWS_WITH(RedisServer(ServerConfig{.port = first.port()}),
                            Catch::Contains(fmt::format("port {} is taken", first.port())));
    }
    SECTION("a port the fixture may move: another one, served by its own process")
    {
        RedisServer second(ServerConfig{.port = first.port(), .move_if_taken = true});
        CHECK(second.port() != first.port());
        auto other = Connection::open(second.options());
        const std::string info = other.call(cmd("INFO", "server")).str;
        CHECK(info.find(fmt::format("\nprocess_id:{}\r", second.pid())) != std::string::npos);
        CHECK(other.call(cmd("EXISTS", "owner")).integer == 0);
    }
    CHECK(conn.call(cmd("GET", "owner")).str == "first");
    CHECK(conn.call(cmd("DBSIZE")).integer == 1);
}
