#include "output/time_format.h"

#include <catch2/catch.hpp>

using redops::output::human_duration_s;
using redops::output::rfc3339_utc_ms;

TEST_CASE("rfc3339_utc_ms prints UTC with milliseconds", "[output][time]")
{
    CHECK(rfc3339_utc_ms(0) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339_utc_ms(1795426200123LL) == "2026-11-23T09:30:00.123Z");
    CHECK(rfc3339_utc_ms(951782400000LL) == "2000-02-29T00:00:00.000Z");
    CHECK(rfc3339_utc_ms(1700000000007LL) == "2023-11-14T22:13:20.007Z");
}

TEST_CASE("rfc3339_utc_ms handles instants before 1970", "[output][time]")
{
    CHECK(rfc3339_utc_ms(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(rfc3339_utc_ms(-1000) == "1969-12-31T23:59:59.000Z");
}

TEST_CASE("human_duration_s uses the two most significant units", "[output][time]")
{
    CHECK(human_duration_s(0) == "0s");
    CHECK(human_duration_s(45) == "45s");
    CHECK(human_duration_s(60) == "1m");
    CHECK(human_duration_s(330) == "5m30s");
    CHECK(human_duration_s(86399) == "23h59m");
    CHECK(human_duration_s(3600) == "1h");
    CHECK(human_duration_s(86400) == "1d");
    CHECK(human_duration_s(89 * 86400 + 23 * 3600 + 59) == "89d23h");
}

TEST_CASE("human_duration_s prints a dash for negative values", "[output][time]")
{
    CHECK(human_duration_s(-1) == "-");
    CHECK(human_duration_s(-2) == "-");
}
