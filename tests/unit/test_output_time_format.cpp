#include "output/time_format.h"

#include <catch2/catch.hpp>

using redops::output::human_bytes;
using redops::output::human_duration_ms;
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

TEST_CASE("human_duration_ms shows tenths below a minute and two units above", "[output][time]")
{
    CHECK(human_duration_ms(0) == "0ms");
    CHECK(human_duration_ms(850) == "850ms");
    CHECK(human_duration_ms(1000) == "1s");
    CHECK(human_duration_ms(29'550) == "29.6s");
    CHECK(human_duration_ms(5'000) == "5s");
    CHECK(human_duration_ms(59'960) == "1m");
    CHECK(human_duration_ms(86'399'976) == "23h59m");
    CHECK(human_duration_ms(30'000) == "30s");
    CHECK(human_duration_ms(-1) == "-");
}

TEST_CASE("human_bytes uses binary units with one decimal below ten", "[output][time]")
{
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(1023) == "1023 B");
    CHECK(human_bytes(1024) == "1 KiB");
    CHECK(human_bytes(1'258'291) == "1.2 MiB");
    CHECK(human_bytes(512LL * 1024 * 1024) == "512 MiB");
    CHECK(human_bytes(1024LL * 1024 - 1) == "1 MiB");
    CHECK(human_bytes(10LL * 1024 * 1024 * 1024) == "10 GiB");
    CHECK(human_bytes(-1) == "-");
}
