// Lock owner tokens: UUID v4 text from the CSPRNG, never repeating.
#include "repo/lock_repository.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

TEST_CASE("lock owner tokens are UUID v4 text and unique", "[repo][lock]")
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        std::string token = redops::repo::new_owner_token();
        REQUIRE(token.size() == 36);
        CHECK(token[8] == '-');
        CHECK(token[13] == '-');
        CHECK(token[18] == '-');
        CHECK(token[23] == '-');
        CHECK(token[14] == '4');
        CHECK(std::string("89ab").find(token[19]) != std::string::npos);
        CHECK(token.find_first_not_of("0123456789abcdef-") == std::string::npos);
        seen.insert(token);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("lock failure reasons have their JSON names", "[repo][lock]")
{
    CHECK(redops::repo::failure_name(redops::repo::LockFailure::not_held) == "not_held");
    CHECK(redops::repo::failure_name(redops::repo::LockFailure::other_owner) == "other_owner");
}
