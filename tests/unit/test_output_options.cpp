#include "output/options.h"
#include "output/style.h"

#include "common/error.h"

#include <catch2/catch.hpp>

using namespace redops::output;

TEST_CASE("parse_format accepts table and json", "[output][options]")
{
    CHECK(parse_format("table") == Format::table);
    CHECK(parse_format("json") == Format::json);
}

TEST_CASE("parse_format and parse_color_mode name the bad value as a usage error", "[output][options]")
{
    try {
        parse_format("yaml");
        FAIL("no exception");
    } catch (const redops::Error& e) {
        CHECK(e.kind() == redops::ErrorKind::usage);
        CHECK(std::string(e.what()).find("'yaml'") != std::string::npos);
    }
    try {
        parse_color_mode("sometimes");
        FAIL("no exception");
    } catch (const redops::Error& e) {
        CHECK(e.kind() == redops::ErrorKind::usage);
        CHECK(std::string(e.what()).find("'sometimes'") != std::string::npos);
    }
}

TEST_CASE("parse_color_mode accepts auto, always, never", "[output][options]")
{
    CHECK(parse_color_mode("auto") == ColorMode::auto_mode);
    CHECK(parse_color_mode("always") == ColorMode::always);
    CHECK(parse_color_mode("never") == ColorMode::never);
}

TEST_CASE("paint wraps text in SGR codes only when enabled", "[output][style]")
{
    CHECK(paint("x", Color::red, true) == "\x1b[31mx\x1b[0m");
    CHECK(paint("x", Color::bold, true) == "\x1b[1mx\x1b[0m");
    CHECK(paint("x", Color::red, false) == "x");
    CHECK(paint("x", Color::none, true) == "x");
}
