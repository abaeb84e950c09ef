#include "output/text_width.h"

#include <catch2/catch.hpp>

#include <clocale>
#include <string>
#include <vector>
#include <wchar.h>

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
    CHECK(display_width("\u6771\u4eac") == 4);       // 東京
    CHECK(display_width("\ud55c\uad6d\uc5b4") == 6); // 한국어
    CHECK(display_width("\uff21\uff22") == 4);       // fullwidth AB
    CHECK(display_width("ok \U0001F600") == 5);
    CHECK(display_width("\U0001F680") == 2);
}

TEST_CASE("display_width counts combining marks and zero-width characters as 0", "[output][width]")
{
    CHECK(display_width("e\u0301") == 1);      // e + combining acute
    CHECK(display_width("a\u200bb") == 2);     // zero-width space
    CHECK(display_width("\ufeffx") == 1);      // BOM
    CHECK(display_width("\u2764\ufe0f") == 1); // variation selector adds nothing
}

TEST_CASE("display_width counts each invalid byte as 1", "[output][width]")
{
    CHECK(display_width("\xff") == 1);
    CHECK(display_width("a\xc3") == 2);        // truncated sequence
    CHECK(display_width("\xc0\xaf") == 2);     // overlong '/'
    CHECK(display_width("\xed\xa0\x80") == 3); // surrogate
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

namespace {

// The code point as UTF-8.
std::string utf8_of(char32_t cp)
{
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

} // namespace

TEST_CASE("display_width agrees with glibc wcwidth in a UTF-8 locale", "[output][width]")
{
    // Restored afterwards: other tests expect the "C" locale a program starts in.
    std::string previous = std::setlocale(LC_CTYPE, nullptr);
    REQUIRE(std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr);
    const std::vector<char32_t> code_points{
        U'A',    0x00E9,  0x0416,  0x05D0,                          // Latin, Cyrillic, Hebrew
        0x0B95,  0x0BAE,  0x0BBF,  0x0BCD, 0x0BC6, 0x0BCA,          // Tamil letters, vowel signs (Mc), virama (Mn)
        0x0915,  0x093F,  0x094D,  0x0E01, 0x0E31,                  // Devanagari, Thai
        0x4E2D,  0x6771,  0x3042,  0xAC00, 0xFF21, 0x3000,          // CJK, kana, Hangul, fullwidth
        0x1100,  0x1161,  0x11A8,  0xD7B0, 0xD7FB,                  // Hangul Jamo: leading wide, vowels/finals join
        0x1F600, 0x1F44D, 0x1F680, 0x231A, 0x2B50, 0x1F1E6,         // emoji
        0x0301,  0x0300,  0x20D7,  0x200B, 0x200D, 0xFE0F,  0xFEFF, // combining marks, zero-width, format
        0x2764,  0x00A0,  0x2013,                                   // text-presentation symbols, spaces, dashes
    };
    for (char32_t cp : code_points) {
        INFO("U+" << std::hex << static_cast<unsigned>(cp));
        int expected = ::wcwidth(static_cast<wchar_t>(cp));
        REQUIRE(expected >= 0);
        CHECK(display_width(utf8_of(cp)) == static_cast<std::size_t>(expected));
    }
    // The row that used to be out of line: "தமிழ்" is four cells, as the terminal draws it.
    CHECK(display_width("\u0ba4\u0bae\u0bbf\u0bb4\u0bcd") == 4);
    std::setlocale(LC_CTYPE, previous.c_str());
}

TEST_CASE("shorten_middle keeps head and tail around an ellipsis within the width", "[output][width]")
{
    using redops::output::shorten_middle;
    CHECK(shorten_middle("short", 10) == "short");
    CHECK(shorten_middle("auth:token:genesys:tenant-0042", 16) == "auth:tok\u2026nt-0042");
    CHECK(display_width(shorten_middle("auth:token:genesys:tenant-0042", 16)) == 16);
    CHECK(shorten_middle("abcdef", 1) == "\u2026");
    CHECK(shorten_middle("abcdef", 0).empty());
    // Wide characters are never cut in half; the result may be a column narrower.
    CHECK(display_width(shorten_middle("\u6771\u4eac\u6771\u4eac\u6771\u4eac", 6)) <= 6);
    // A combining mark stays with its base.
    CHECK(shorten_middle("e\u0301e\u0301e\u0301e\u0301e\u0301", 3) == "e\u0301\u2026e\u0301");
}
