// Untrusted JSON: the depth limit is enforced while parsing, so a deep value is malformed and never built.
#include "repo/json_value.h"
#include "repo/session_repository.h"
#include "repo/token_repository.h"

#include "common/error.h"

#include <catch2/catch.hpp>

using redops::repo::parse_json_value;

namespace {

std::string nested(std::size_t levels, char open = '[', char close = ']')
{
    return std::string(levels, open) + std::string(levels, close);
}

} // namespace

TEST_CASE("json values up to the depth limit parse and deeper ones are refused", "[repo][json]")
{
    std::string problem;
    CHECK(parse_json_value(nested(64), problem).has_value());
    CHECK_FALSE(parse_json_value(nested(65), problem).has_value());
    CHECK(problem == "nested deeper than 64 levels");
    problem.clear();
    CHECK_FALSE(parse_json_value(R"({"a":{"b":[[1]]}})", problem, 3).has_value());
    CHECK(parse_json_value(R"({"a":{"b":[1]}})", problem, 3).has_value());
    CHECK_FALSE(parse_json_value("{", problem).has_value());
    CHECK(problem == "not valid JSON");
}

TEST_CASE("a million levels of nesting are refused without exhausting the stack", "[repo][json]")
{
    std::string problem;
    CHECK_FALSE(parse_json_value(nested(1'000'000), problem).has_value());
    CHECK_FALSE(parse_json_value("{\"a\":" + nested(1'000'000) + "}", problem).has_value());
    CHECK(problem == "nested deeper than 64 levels");
    std::string objects;
    for (int i = 0; i < 200'000; ++i) {
        objects += "{\"k\":";
    }
    objects += "1" + std::string(200'000, '}');
    CHECK_FALSE(parse_json_value(objects, problem).has_value());
}

TEST_CASE("a deep session is malformed and a deep token payload a data error", "[repo][json]")
{
    redops::repo::SessionEntry entry;
    redops::repo::SessionRepository::parse_value("{\"userId\":\"m\",\"prefs\":" + nested(100'000) + "}", entry);
    CHECK(entry.status == redops::repo::SessionStatus::malformed);
    CHECK(entry.problem == "nested deeper than 64 levels");

    redops::repo::TokenEntry token;
    try {
        redops::repo::TokenRepository::parse_payload("auth:token:p:t", "{\"token\":" + nested(100'000) + "}", token);
        FAIL("accepted");
    } catch (const redops::Error& e) {
        CHECK(e.kind() == redops::ErrorKind::data);
        CHECK(std::string(e.what()).find("nested deeper") != std::string::npos);
    }
}
