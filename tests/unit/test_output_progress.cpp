#include "output/progress.h"

#include <catch2/catch.hpp>

#include <sstream>

using redops::output::group_thousands;
using redops::output::Progress;

namespace {

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    Progress::Clock fn()
    {
        return [this] { return now; };
    }
};

} // namespace

TEST_CASE("progress stays silent for the first second and when disabled", "[output][progress]")
{
    FakeClock clock;
    std::ostringstream err;
    {
        Progress progress(err, true, "token flush", Progress::k_delay, clock.fn());
        clock.now += std::chrono::milliseconds(900);
        progress.update(1000, 1000);
        CHECK(err.str().empty());
        CHECK_FALSE(progress.shown());
    }
    CHECK(err.str().empty()); // nothing to clear either

    std::ostringstream off;
    Progress disabled(off, false, "token flush", Progress::k_delay, clock.fn());
    clock.now += std::chrono::seconds(5);
    disabled.update(50'000, 40'000);
    disabled.finish();
    CHECK(off.str().empty());
}

TEST_CASE("progress after a second shows counts and rate then clears its line", "[output][progress]")
{
    FakeClock clock;
    std::ostringstream err;
    Progress progress(err, true, "token flush", Progress::k_delay, clock.fn());
    clock.now += std::chrono::seconds(2);
    progress.add(12'000, 10'000);
    CHECK(err.str() == "\rtoken flush: 12,000 keys found, 10,000 deleted, 6,000 keys/s\x1b[K");
    clock.now += std::chrono::milliseconds(50);
    progress.add(1, 1);
    CHECK(err.str().find("12,001") == std::string::npos); // redrawn at most every 200 ms
    progress.finish();
    CHECK(err.str().substr(err.str().size() - 4) == "\r\x1b[K");
}

TEST_CASE("group_thousands", "[output][progress]")
{
    CHECK(group_thousands(0) == "0");
    CHECK(group_thousands(999) == "999");
    CHECK(group_thousands(1000) == "1,000");
    CHECK(group_thousands(1234567) == "1,234,567");
    CHECK(group_thousands(-1234) == "-1,234");
}
