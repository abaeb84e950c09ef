// The reply size cap is one setting like the others: default, file row, flag, and into the connection options.
#include "config_test_support.h"

#include "common/error.h"
#include "config/connection_options.h"
#include "config/loader.h"

#include <catch2/catch.hpp>

using namespace redops;
using redops::test::env_of;
using redops::test::TempDir;

namespace {

config::Settings load(const config::FlagValues& flags, const TempDir& dir)
{
    return config::load_settings(flags, env_of({}), nullptr, (dir.path() / "none.json").string());
}

} // namespace

TEST_CASE("max_reply_bytes defaults to 512 MiB and comes from the file or the flag", "[config][reply_cap]")
{
    TempDir dir;
    config::FlagValues flags;
    auto defaults = load(flags, dir);
    CHECK(defaults.defaults.max_reply_bytes.value == 512LL * 1024 * 1024);
    CHECK(config::connection_options(defaults).max_reply_bytes == 512ULL * 1024 * 1024);

    flags.config_file = dir.write("c.json", R"({"defaults": {"max_reply_bytes": 67108864}})");
    auto from_file = load(flags, dir);
    CHECK(from_file.defaults.max_reply_bytes.value == 67108864);
    CHECK(from_file.defaults.max_reply_bytes.origin.source == config::Source::file);

    flags.max_reply_bytes = 1'048'576;
    auto from_flag = load(flags, dir);
    CHECK(config::connection_options(from_flag).max_reply_bytes == 1'048'576);
    CHECK(from_flag.defaults.max_reply_bytes.origin.detail == "--max-reply-bytes");
}

TEST_CASE("max_reply_bytes below 1024 is refused from the file and the flag", "[config][reply_cap]")
{
    TempDir dir;
    config::FlagValues flags;
    flags.max_reply_bytes = 100;
    CHECK_THROWS_AS(load(flags, dir), Error);
    flags.max_reply_bytes.reset();
    flags.config_file = dir.write("c.json", R"({"defaults": {"max_reply_bytes": 10}})");
    try {
        load(flags, dir);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::config);
        CHECK(std::string(e.what()).find("out of range (1024-") != std::string::npos);
    }
}
