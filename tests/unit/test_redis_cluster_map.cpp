// Cluster slot arithmetic and slot-map parsing: pure logic, checked against values Redis itself reports.
#include "common/error.h"
#include "redis/cluster_map.h"
#include "redis/cluster_slot.h"

#include <catch2/catch.hpp>

using namespace redops::redis;

namespace {

Reply integer(long long value)
{
    Reply r;
    r.type = Reply::Type::integer;
    r.integer = value;
    return r;
}

Reply string(std::string value)
{
    Reply r;
    r.type = Reply::Type::string;
    r.str = std::move(value);
    return r;
}

Reply array(std::vector<Reply> elements)
{
    Reply r;
    r.type = Reply::Type::array;
    r.elements = std::move(elements);
    return r;
}

Reply error(std::string text)
{
    Reply r;
    r.type = Reply::Type::error;
    r.str = std::move(text);
    return r;
}

Reply node(const std::string& host, int port)
{
    return array({string(host), integer(port), string("0123456789abcdef")});
}

} // namespace

TEST_CASE("crc16 is the XMODEM variant Redis Cluster uses", "[cluster]")
{
    CHECK(crc16("123456789") == 0x31C3);
    CHECK(crc16("") == 0);
}

TEST_CASE("key slots match CLUSTER KEYSLOT", "[cluster]")
{
    // Values from `redis-cli CLUSTER KEYSLOT` on Redis 7.0.
    CHECK(key_slot("foo") == 12182);
    CHECK(key_slot("bar") == 5061);
    CHECK(key_slot("hello") == 866);
    CHECK(key_slot("auth:token:genesys:acme") == key_slot("auth:token:genesys:acme"));
}

TEST_CASE("hash tags route related keys to one slot", "[cluster]")
{
    CHECK(hash_tag("session:{u1}:abc") == "u1");
    CHECK(key_slot("session:{u1}:abc") == key_slot("user:{u1}:sessions"));
    CHECK(key_slot("{user1000}.following") == key_slot("{user1000}.followers"));
    // Empty braces and an unclosed brace hash the whole key.
    CHECK(hash_tag("a{}b") == "a{}b");
    CHECK(hash_tag("a{b") == "a{b");
    // Only the first {...} counts.
    CHECK(hash_tag("x{a}{b}") == "a");
    CHECK(hash_tag("{}{a}") == "{}{a}");
}

TEST_CASE("a CLUSTER SLOTS reply becomes a slot table with primaries and replicas", "[cluster]")
{
    Reply reply = array({
        array({integer(0), integer(5460), node("10.0.0.1", 7000), node("10.0.0.4", 7003)}),
        array({integer(5461), integer(10922), node("", 7001), node("10.0.0.5", 7004)}),
        array({integer(10923), integer(16383), node("10.0.0.3", 7002)}),
    });
    SlotMap map = SlotMap::from_cluster_slots(reply, "seed.example");
    CHECK(map.uncovered_slots() == 0);
    CHECK(map.owner(0)->port == 7000);
    CHECK(map.owner(5460)->port == 7000);
    CHECK(map.owner(5461)->host == "seed.example"); // empty host: the node we asked
    CHECK(map.owner(16383)->port == 7002);
    REQUIRE(map.primaries().size() == 3);
    REQUIRE(map.nodes().size() == 5);
    CHECK(map.nodes()[0].primary);
    CHECK(map.nodes()[2].primary);
    CHECK_FALSE(map.nodes()[3].primary);
    CHECK(map.nodes()[3].endpoint.port == 7003);

    map.set_owner(0, Endpoint{"10.0.0.3", 7002, {}});
    CHECK(map.owner(0)->port == 7002);
    CHECK(map.owner(1)->port == 7000);
}

TEST_CASE("a partial slot table reports uncovered slots", "[cluster]")
{
    SlotMap map = SlotMap::from_cluster_slots(array({array({integer(0), integer(99), node("h", 1)})}), "h");
    CHECK(map.uncovered_slots() == 16384 - 100);
    CHECK_FALSE(map.owner(100).has_value());
}

TEST_CASE("malformed CLUSTER SLOTS replies are protocol errors", "[cluster]")
{
    using redops::Error;
    CHECK_THROWS_AS(SlotMap::from_cluster_slots(string("nope"), "h"), Error);
    CHECK_THROWS_AS(SlotMap::from_cluster_slots(array({array({integer(0), integer(99)})}), "h"), Error);
    CHECK_THROWS_AS(SlotMap::from_cluster_slots(array({array({integer(5), integer(70000), node("h", 1)})}), "h"),
                    Error);
}

TEST_CASE("MOVED and ASK replies parse into redirects", "[cluster]")
{
    auto moved = parse_redirect(error("MOVED 3999 127.0.0.1:6381"), "x");
    REQUIRE(moved);
    CHECK(moved->kind == Redirect::Kind::moved);
    CHECK(moved->slot == 3999);
    CHECK(moved->target.host == "127.0.0.1");
    CHECK(moved->target.port == 6381);

    auto ask = parse_redirect(error("ASK 12 :7002"), "10.1.1.1");
    REQUIRE(ask);
    CHECK(ask->kind == Redirect::Kind::ask);
    CHECK(ask->target.host == "10.1.1.1");
    CHECK(ask->target.port == 7002);

    CHECK_FALSE(parse_redirect(error("WRONGTYPE Operation against a key"), "x"));
    CHECK_FALSE(parse_redirect(string("MOVED 1 h:1"), "x")); // not an error reply
    CHECK_THROWS_AS(parse_redirect(error("MOVED abc h:1"), "x"), redops::Error);
    CHECK_THROWS_AS(parse_redirect(error("MOVED 12"), "x"), redops::Error);
}

TEST_CASE("CLUSTER NODES lists every node with its role, primaries first", "[cluster]")
{
    const std::string text = "dccc 127.0.0.1:7102@17102 master - 0 1795451476673 2 connected 5461-10922\n"
                             "0f4d :7101@17101 myself,master - 0 1795451476000 7 connected 0-5460\n"
                             "3aa8 127.0.0.1:7106@17106,host-6 slave 0f4d 0 1795451476572 7 connected\n"
                             "e34c 127.0.0.1:7104@17104 slave,fail dccc 0 1795451476471 2 disconnected\n"
                             "9999 :0@0 noaddr,handshake - 0 0 0 disconnected\n"
                             "aaaa 127.0.0.1:7107@17107 master,fail - 0 0 1 disconnected\n";
    auto nodes = redops::redis::parse_cluster_nodes(text, "10.0.0.1");
    REQUIRE(nodes.size() == 5);
    CHECK(nodes[0].endpoint.describe() == "10.0.0.1:7101");
    CHECK(nodes[0].primary);
    CHECK_FALSE(nodes[0].slotless);
    CHECK(nodes[1].endpoint.describe() == "127.0.0.1:7102");
    CHECK(nodes[1].primary);
    CHECK(nodes[2].endpoint.describe() == "127.0.0.1:7107"); // failed over: a primary without slots
    CHECK(nodes[2].primary);
    CHECK(nodes[2].slotless);
    CHECK(nodes[3].endpoint.describe() == "127.0.0.1:7104"); // failed, still listed
    CHECK_FALSE(nodes[3].primary);
    CHECK(nodes[4].endpoint.describe() == "127.0.0.1:7106");
    CHECK(redops::redis::parse_cluster_nodes("", "h").empty());
    CHECK_THROWS(redops::redis::parse_cluster_nodes("id garbage master - 0 0 1 connected\n", "h"));
}
