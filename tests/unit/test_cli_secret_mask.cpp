#include "cli/secret_mask.h"
#include "config_test_support.h"

#include <catch2/catch.hpp>

using redops::cli::SecretMask;
using redops::test::env_of;

TEST_CASE("SecretMask masks passwords, tokens and URL passwords from argv and the environment", "[cli][secret]")
{
    const char* argv[] = {"redops",
                          "-a",
                          "flag-pw-1",
                          "--password=flag-pw-2",
                          "-aflag-pw-3",
                          "--url",
                          "redis://u:url-pw-4@h:1",
                          "token",
                          "set",
                          "--token",
                          "token-5",
                          "--",
                          "-a",
                          "child-arg"};
    SecretMask mask(static_cast<int>(std::size(argv)), argv,
                    env_of({{"REDIS_PASSWORD", "env-pw-6"}, {"REDIS_URL", "unix://o:env-url-pw-7@/s.sock"}}));
    CHECK(mask.apply("a flag-pw-1 b flag-pw-2 c flag-pw-3 d token-5 e env-pw-6") == "a *** b *** c *** d *** e ***");
    CHECK(mask.apply("bad URL \"redis://u:url-pw-4@h:1\"") == "bad URL \"redis://u:***@h:1\"");
    CHECK(mask.apply("url-pw-4 and env-url-pw-7") == "*** and ***");
    CHECK(mask.apply("unix://o:env-url-pw-7@/s.sock") == "unix://o:***@/s.sock");
    // After "--" the arguments belong to lock run's command.
    CHECK(mask.apply("child-arg") == "child-arg");
    const char* mistyped[] = {"redops", "--askpass=typed-pw-8", "--askpass", "ping"};
    SecretMask flag_mask(4, mistyped, env_of({}));
    CHECK(flag_mask.apply("Could not convert: --askpass = typed-pw-8") == "Could not convert: --askpass = ***");
    CHECK(flag_mask.apply("ping") == "ping"); // a bare --askpass takes no value
    mask.add_secret("abc");                   // too short to mask without mangling innocent text
    CHECK(mask.apply("abc") == "abc");
}
