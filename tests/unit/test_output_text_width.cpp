#include "output/text_width.h"

#include <catch2/catch.hpp>

#include <string>

using redops::output::display_width;
using redops::output::sanitize_for_terminal;

TEST_CASE("display_width of ASCII and accented text counts code points", "[output][width]")
{
    CHECK(display_width("") == 0);
    CHECK(display_width("session:abc") == 11);
    CHECK(display_width("caf\u00e9") == 4);
    CHECK(display_width("\u00c5ngstr\u00f6m") == 8);
}

TEST_CASE("display_width counts CJK, Hangul, fullwidth and emoji as 2", "[output][width]")
{
    CHECK(display_width("\u6771\u4eac") == 4);          // 東京
    CHECK(display_width("\ud55c\uad6d\uc5b4") == 6);    // 한국어
    CHECK(display_width("\uff21\uff22") == 4);          // fullwidth AB
    CHECK(display_width("ok \U0001F600") == 5);
    CHECK(display_width("\U0001F680") == 2);
}

TEST_CASE("display_width counts combining marks and zero-width characters as 0", "[output][width]")
{
    CHECK(display_width("e\u0301") == 1);       // e + combining acute
    CHECK(display_width("a\u200bb") == 2);      // zero-width space
    CHECK(display_width("\ufeffx") == 1);       // BOM
    CHECK(display_width("\u2764\ufe0f") == 1);  // variation selector adds nothing
}

TEST_CASE("display_width counts each invalid byte as 1", "[output][width]")
{
    CHECK(display_width("\xff") == 1);
    CHECK(display_width("a\xc3") == 2);          // truncated sequence
    CHECK(display_width("\xc0\xaf") == 2);       // overlong '/'
    CHECK(display_width("\xed\xa0\x80") == 3);   // surrogate
}

TEST_CASE("display_width ignores ANSI SGR sequences", "[output][width]")
{
    CHECK(display_width("\x1b[31mred\x1b[0m") == 3);
    CHECK(display_width("\x1b[1;33m\u6771\x1b[0m") == 2);
}

TEST_CASE("sanitize_for_terminal escapes control characters", "[output][width]")
{
    CHECK(sanitize_for_terminal("plain text") == "plain text");
    CHECK(sanitize_for_terminal("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(sanitize_for_terminal("\x1b[2J") == "\\x1b[2J");
    CHECK(sanitize_for_terminal(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(sanitize_for_terminal("\x7f") == "\\x7f");
}

TEST_CASE("sanitize_for_terminal escapes C1 controls, bidi overrides and invalid bytes", "[output][width]")
{
    CHECK(sanitize_for_terminal("\u009b31m") == "\\u009b31m");
    CHECK(sanitize_for_terminal("abc\u202edef") == "abc\\u202edef");
    CHECK(sanitize_for_terminal("\x9b") == "\\x9b");
    CHECK(sanitize_for_terminal("caf\u00e9 \u6771 \U0001F600") == "caf\u00e9 \u6771 \U0001F600");
    CHECK(sanitize_for_terminal("a\\*b") == "a\\*b");
}
