#include "output/mask.h"

#include <catch2/catch.hpp>

#include <string>

using redops::output::mask_secret;

TEST_CASE("mask_secret reveals the secret unchanged when asked", "[output][mask]")
{
    CHECK(mask_secret("eyJhbGciOiJIUzI1NiJ9.payload.sig", true) == "eyJhbGciOiJIUzI1NiJ9.payload.sig");
    CHECK(mask_secret("", true).empty());
}

TEST_CASE("mask_secret shows the first 4 and last 3 of long secrets", "[output][mask]")
{
    const std::string token = "eyJh" + std::string(805, 'a') + "x9Q";
    CHECK(mask_secret(token, false) == "eyJh\u2026x9Q (812 chars)");
    CHECK(mask_secret("0123456789abcdef", false) == "0123\u2026def (16 chars)");
}

TEST_CASE("mask_secret shows no character of short secrets", "[output][mask]")
{
    CHECK(mask_secret("0123456789abcde", false) == "\u2026 (15 chars)");
    CHECK(mask_secret("x", false) == "\u2026 (1 chars)");
    CHECK(mask_secret("", false) == "(empty)");
}

TEST_CASE("mask_secret never splits a UTF-8 sequence and counts bytes", "[output][mask]")
{
    // 16 code points of 2 bytes each: 32 bytes.
    std::string secret;
    for (int i = 0; i < 16; ++i) {
        secret += "\u00e9";
    }
    CHECK(mask_secret(secret, false) == "\u00e9\u00e9\u00e9\u00e9\u2026\u00e9\u00e9\u00e9 (32 chars)");
}

TEST_CASE("mask_secret treats 16 bytes of few code points as short", "[output][mask]")
{
    const std::string four_emoji = "\U0001F600\U0001F600\U0001F600\U0001F600"; // 16 bytes, 4 code points
    CHECK(mask_secret(four_emoji, false) == "\u2026 (16 chars)");
}
