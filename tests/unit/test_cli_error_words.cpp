// The user's words for an error: the remedy a lower layer names, and what to grant after a NOPERM.
#include "cli/error_words.h"
#include "common/error.h"

#include <catch2/catch.hpp>

using redops::Error;
using redops::ErrorKind;
using redops::Remedy;
using redops::ServerError;
using redops::cli::in_user_words;

TEST_CASE("a NOPERM naming a command says what to grant", "[cli][errors]")
{
    // Redis 7.0 and 7.2 word it differently; both name the command the same way.
    CHECK(in_user_words(ServerError("NOPERM this user has no permissions to run the 'strlen' command")) ==
          "NOPERM this user has no permissions to run the 'strlen' command; "
          "grant it to the ACL user: ACL SETUSER <user> +strlen");
    CHECK(in_user_words(ServerError("NOPERM User doctor has no permissions to run the 'memory|usage' command")) ==
          "NOPERM User doctor has no permissions to run the 'memory|usage' command; "
          "grant it to the ACL user: ACL SETUSER <user> +memory|usage");
    // With the key in front, as a repository reports it.
    CHECK(in_user_words(ServerError("NOPERM this user has no permissions to run the 'get' command", "lock:x"))
              .ends_with("; grant it to the ACL user: ACL SETUSER <user> +get"));
}

TEST_CASE("other errors get no grant: key patterns, odd names, other replies", "[cli][errors]")
{
    const std::string key = "NOPERM No permissions to access a key";
    CHECK(in_user_words(ServerError(key)) == key);
    for (const std::string reply : {"NOPERM this user has no permissions to run the '' command",
                                    "NOPERM this user has no permissions to run the 'rm -rf; x' command",
                                    "NOPERM this user has no permissions to run the 'STRLEN\x1b[31m' command",
                                    "NOPERM this user has no permissions to run the 'strlen"}) {
        INFO(reply);
        CHECK(in_user_words(ServerError(reply)) == reply);
    }
    CHECK(in_user_words(ServerError("WRONGTYPE Operation against a key holding the wrong kind of value")) ==
          "WRONGTYPE Operation against a key holding the wrong kind of value");
    // A remedy and no grant: only the remedy.
    CHECK(in_user_words(Error(ErrorKind::data, "reply too large", Remedy::raise_reply_cap)) ==
          "reply too large; raise --max-reply-bytes or the setting defaults.max_reply_bytes");
}
