// The Nagios range syntax and perfdata of the monitoring-plugins guidelines.
#include "output/nagios.h"

#include <catch2/catch.hpp>

using redops::output::NagiosRange;
using redops::output::NagiosState;
using redops::output::parse_nagios_range;

namespace {

NagiosRange range(const char* text)
{
    auto parsed = parse_nagios_range(text);
    INFO(text);
    REQUIRE(parsed);
    return *parsed;
}

} // namespace

TEST_CASE("nagios range: the five forms of the guidelines alert where they say", "[unit][nagios]")
{
    // "10": outside 0..10
    CHECK(range("10").alerts(-1));
    CHECK_FALSE(range("10").alerts(0));
    CHECK_FALSE(range("10").alerts(10));
    CHECK(range("10").alerts(10.5));
    // "10:": below 10
    CHECK(range("10:").alerts(9.99));
    CHECK_FALSE(range("10:").alerts(10));
    CHECK_FALSE(range("10:").alerts(1e12));
    // "~:10": above 10
    CHECK_FALSE(range("~:10").alerts(-1e12));
    CHECK_FALSE(range("~:10").alerts(10));
    CHECK(range("~:10").alerts(10.01));
    // "10:20": outside 10..20
    CHECK(range("10:20").alerts(9));
    CHECK_FALSE(range("10:20").alerts(10));
    CHECK_FALSE(range("10:20").alerts(20));
    CHECK(range("10:20").alerts(21));
    // "@10:20": inside 10..20
    CHECK_FALSE(range("@10:20").alerts(9));
    CHECK(range("@10:20").alerts(10));
    CHECK(range("@10:20").alerts(20));
    CHECK_FALSE(range("@10:20").alerts(21));
    // Negative and fractional bounds.
    CHECK(range("-5:-1").alerts(0));
    CHECK_FALSE(range("-5:-1").alerts(-3));
    CHECK(range("0.5").alerts(0.6));
    CHECK(range("@~:0").alerts(-3));
}

TEST_CASE("nagios range: anything but the syntax is refused", "[unit][nagios]")
{
    for (const char* bad : {"", "@", "abc", "10:5", "1e3", "inf", "nan", "0x10", "10::20", "~", "10:20:30", "1 0",
                            "@@1", "10:abc", " 10", "--1", "1.2.3"}) {
        INFO(bad);
        CHECK_FALSE(parse_nagios_range(bad));
    }
    CHECK(range("~:10").text == "~:10");
    CHECK_FALSE(range("~:").alerts(-1e12)); // everything is inside: never alerts, as the plugins' library reads it
}

TEST_CASE("nagios perfdata: quoted label value unit and thresholds as given", "[unit][nagios]")
{
    using redops::output::PerfItem;
    NagiosRange warn = range("~:100");
    NagiosRange crit = range("@200:300");
    CHECK(redops::output::perfdata_item(
              {.label = "latency", .value = 0.25, .unit = "ms", .warn = &warn, .crit = &crit, .min = 0.0}) ==
          "'latency'=0.25ms;~:100;@200:300;0;");
    CHECK(redops::output::perfdata_item({.label = "it's=x", .value = std::nullopt, .unit = "ms"}) == "'it''s_x'=U;;;;");
    CHECK(redops::output::perfdata_item({.label = "big", .value = 1e15, .max = 100.0}) ==
          "'big'=1000000000000000;;;;100");
}

TEST_CASE("nagios state and line: critical first and one line with one bar", "[unit][nagios]")
{
    NagiosRange warn = range("10");
    NagiosRange crit = range("20");
    CHECK(redops::output::nagios_state(5, &warn, &crit) == NagiosState::ok);
    CHECK(redops::output::nagios_state(15, &warn, &crit) == NagiosState::warning);
    CHECK(redops::output::nagios_state(25, &warn, &crit) == NagiosState::critical);
    CHECK(redops::output::nagios_state(25, nullptr, nullptr) == NagiosState::ok);
    CHECK(redops::output::nagios_line("REDIS", NagiosState::unknown, "bad | input\nhere", {}) ==
          "REDIS UNKNOWN - bad / input here");
    CHECK(redops::output::nagios_line("REDIS", NagiosState::ok, "fine", {{.label = "a", .value = 1}}) ==
          "REDIS OK - fine | 'a'=1;;;;");
}
