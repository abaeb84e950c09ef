#include "output/json_stream.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

using redops::output::dump_json;
using redops::output::JsonStream;
using Json = nlohmann::ordered_json;

TEST_CASE("JsonStream writes one object with fields and arrays", "[output][json]")
{
    std::ostringstream out;
    JsonStream stream(out);
    stream.field("provider", "genesys");
    stream.begin_array("entries");
    stream.item(Json{{"key", "a"}, {"ttl_s", 5}});
    stream.item(Json{{"key", "b"}, {"ttl_s", -1}});
    stream.end_array();
    stream.field("count", 2);
    stream.field("ok", true);
    stream.finish();
    const auto text = out.str();
    CHECK(text ==
          R"({"provider":"genesys","entries":[{"key":"a","ttl_s":5},{"key":"b","ttl_s":-1}],"count":2,"ok":true})"
          "\n");
    const auto doc = Json::parse(text);
    CHECK(doc["entries"].size() == 2);
}

TEST_CASE("JsonStream handles empty arrays and empty objects", "[output][json]")
{
    std::ostringstream out;
    {
        JsonStream stream(out);
        stream.begin_array("keys");
        stream.end_array();
        stream.begin_array("more");
        stream.end_array();
        stream.finish();
    }
    CHECK(Json::parse(out.str()) == Json::parse(R"({"keys":[],"more":[]})"));

    std::ostringstream empty;
    JsonStream stream(empty);
    stream.finish();
    CHECK(empty.str() == "{}\n");
}

TEST_CASE("JsonStream replaces invalid UTF-8 instead of throwing", "[output][json]")
{
    std::ostringstream out;
    JsonStream stream(out);
    stream.field("bad\xff", "value\xc3");
    stream.begin_array("items");
    stream.item("\xfe\xfe");
    stream.end_array();
    stream.finish();
    const auto doc = Json::parse(out.str());
    CHECK(doc["bad\xef\xbf\xbd"] == "value\xef\xbf\xbd");
    CHECK(doc["items"][0] == "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("JsonStream escapes control characters in strings", "[output][json]")
{
    std::ostringstream out;
    JsonStream stream(out);
    stream.field("k", "a\x1b[2J\n\"b\"");
    stream.finish();
    CHECK(out.str() == "{\"k\":\"a\\u001b[2J\\n\\\"b\\\"\"}\n");
}

TEST_CASE("JsonStream rejects misuse", "[output][json]")
{
    std::ostringstream out;
    JsonStream stream(out);
    CHECK_THROWS_AS(stream.item(1), std::logic_error);
    CHECK_THROWS_AS(stream.end_array(), std::logic_error);
    stream.begin_array("a");
    CHECK_THROWS_AS(stream.field("x", 1), std::logic_error);
    CHECK_THROWS_AS(stream.finish(), std::logic_error);
    stream.end_array();
    stream.finish();
    CHECK_THROWS_AS(stream.field("x", 1), std::logic_error);
}

TEST_CASE("JsonStream fail closes the open array with the error", "[output][json]")
{
    std::ostringstream out;
    JsonStream stream(out);
    stream.begin_array("keys");
    stream.item("a");
    stream.fail(redops::ServerError("WRONGTYPE Operation against a key holding the wrong kind of value"));
    CHECK(stream.finished());
    const auto doc = Json::parse(out.str());
    CHECK(doc["keys"] == Json::array({"a"}));
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "server");
    CHECK(doc["error"]["code"] == "WRONGTYPE");
}

TEST_CASE("JsonStream destroyed unfinished still leaves one valid document", "[output][json]")
{
    std::ostringstream out;
    {
        JsonStream stream(out);
        stream.begin_array("keys");
        stream.item(1);
    }
    const auto doc = Json::parse(out.str());
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "incomplete");
}

TEST_CASE("dump_json is compact, one line, and never throws on bytes", "[output][json]")
{
    CHECK(dump_json(Json{{"a", 1}, {"b", Json::array({1, 2})}}) == R"({"a":1,"b":[1,2]})");
    CHECK(dump_json(Json("x\xff")) == "\"x\xef\xbf\xbd\"");
}
