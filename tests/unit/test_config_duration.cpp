#include "common/error.h"
#include "config/duration.h"

#include <catch2/catch.hpp>
#include <string>

using redops::Error;
using redops::ErrorKind;
using redops::config::format_duration;
using redops::config::parse_duration;
using std::chrono::milliseconds;

namespace {

std::string error_of(std::string_view text)
{
    try {
        parse_duration(text);
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::config);
        return error.what();
    }
    FAIL("no error for \"" << std::string(text) << "\"");
    return {};
}

} // namespace

TEST_CASE("parse_duration reads every unit", "[config][duration]")
{
    CHECK(parse_duration("250ms") == milliseconds{250});
    CHECK(parse_duration("2s") == milliseconds{2000});
    CHECK(parse_duration("5m") == milliseconds{300'000});
    CHECK(parse_duration("1h") == milliseconds{3'600'000});
    CHECK(parse_duration("1d") == milliseconds{86'400'000});
    CHECK(parse_duration("0s") == milliseconds{0});
    CHECK(parse_duration("90d") == milliseconds{90LL * 86'400'000});
}

TEST_CASE("parse_duration reads decimals and compounds", "[config][duration]")
{
    CHECK(parse_duration("1.5s") == milliseconds{1500});
    CHECK(parse_duration("0.25s") == milliseconds{250});
    CHECK(parse_duration(".5s") == milliseconds{500});
    CHECK(parse_duration("1.5h") == milliseconds{5'400'000});
    CHECK(parse_duration("1h30m") == milliseconds{5'400'000});
    CHECK(parse_duration("1m30s") == milliseconds{90'000});
    CHECK(parse_duration("2s500ms") == milliseconds{2500});
    CHECK(parse_duration("1d2h3m4s5ms") == milliseconds{93'784'005});
}

TEST_CASE("parse_duration rejects bad text and names it", "[config][duration]")
{
    CHECK(error_of("30") == "invalid duration \"30\": missing unit (use ms, s, m, h or d)");
    CHECK_THAT(error_of(""), Catch::Contains("invalid duration \"\"") && Catch::Contains("empty"));
    CHECK_THAT(error_of("-5s"), Catch::Contains("\"-5s\"") && Catch::Contains("negative"));
    CHECK_THAT(error_of("5x"), Catch::Contains("\"5x\"") && Catch::Contains("unknown unit \"x\""));
    CHECK_THAT(error_of("5min"), Catch::Contains("unknown unit \"min\""));
    CHECK_THAT(error_of("5 s"), Catch::Contains("\"5 s\""));
    CHECK_THAT(error_of("s"), Catch::Contains("expected a number"));
    CHECK_THAT(error_of("1h30"), Catch::Contains("missing unit"));
    CHECK_THAT(error_of("1.s"), Catch::Contains("decimal point"));
    CHECK_THAT(error_of("+5s"), Catch::Contains("\"+5s\""));
    CHECK_THAT(error_of("0.5ms"), Catch::Contains("finer than a millisecond"));
    CHECK_THAT(error_of("1.0000000001s"), Catch::Contains("decimal places"));
    CHECK_THAT(error_of("99999999999999999999ms"), Catch::Contains("too large"));
    CHECK_THAT(error_of("9999999999999d"), Catch::Contains("too large"));
    CHECK_THAT(error_of("5s "), Catch::Contains("\"5s \""));
}

TEST_CASE("format_duration writes the shortest compound", "[config][duration]")
{
    CHECK(format_duration(milliseconds{250}) == "250ms");
    CHECK(format_duration(milliseconds{2000}) == "2s");
    CHECK(format_duration(milliseconds{90'000}) == "1m30s");
    CHECK(format_duration(milliseconds{86'400'000}) == "1d");
    CHECK(format_duration(milliseconds{0}) == "0s");
    CHECK(format_duration(milliseconds{1500}) == "1s500ms");
    CHECK(format_duration(milliseconds{-2000}) == "-2s");
    for (const char* text : {"250ms", "2s", "1m30s", "1d", "90d", "1d2h3m4s5ms"}) {
        CHECK(format_duration(parse_duration(text)) == text);
    }
}
