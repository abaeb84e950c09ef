// The degraded in-memory limiter with an injected clock, and the GCRA arithmetic the peek relies on.
#include "common/error.h"
#include "common/sliding_limiter.h"
#include "cli/ratelimit_load.h"
#include "repo/ratelimit_repository.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("degraded limiter: 10 of 11 in a minute and 10 more once the minute has passed", "[ratelimit]")
{
    long long now_ms = 1'000'000;
    redops::SlidingLimiter limiter(10, 60s, [&] { return std::chrono::milliseconds(now_ms); });
    int allowed = 0;
    for (int i = 0; i < 11; ++i) {
        allowed += limiter.hit("acme:t1").allowed ? 1 : 0;
        now_ms += 1000;
    }
    CHECK(allowed == 10);
    CHECK(limiter.peek("acme:t1").remaining == 0);
    CHECK(limiter.hit("other:t1").allowed); // keys are independent
    now_ms += 60'000;
    allowed = 0;
    for (int i = 0; i < 11; ++i) {
        allowed += limiter.hit("acme:t1").allowed ? 1 : 0;
    }
    CHECK(allowed == 10);
}

TEST_CASE("degraded limiter slides: a hit frees exactly 60 s after it was made", "[ratelimit]")
{
    long long now_ms = 0;
    redops::SlidingLimiter limiter(2, 60s, [&] { return std::chrono::milliseconds(now_ms); });
    CHECK(limiter.hit("k").allowed);
    now_ms = 30'000;
    CHECK(limiter.hit("k").allowed);
    auto denied = limiter.hit("k");
    CHECK_FALSE(denied.allowed);
    CHECK(denied.reset_in_ms == 60'000);
    now_ms = 59'999;
    CHECK_FALSE(limiter.hit("k").allowed);
    now_ms = 60'000;
    CHECK(limiter.hit("k").allowed);
    CHECK_FALSE(limiter.hit("k").allowed);
}

TEST_CASE("gcra arithmetic: interval and burst and remaining and retry", "[ratelimit]")
{
    redops::repo::LimitSpec spec{redops::repo::Algorithm::gcra, 10, 10s, 0};
    CHECK(redops::repo::gcra_interval_us(spec) == 1'000'000);
    CHECK(redops::repo::gcra_burst(spec) == 10);
    spec.burst = 3;
    CHECK(redops::repo::gcra_burst(spec) == 3);

    const long long t = 1'000'000'000; // interval 1 s, burst 3
    auto empty = redops::repo::gcra_peek(0, t, 1'000'000, 3);
    CHECK(empty.remaining == 3);
    CHECK_FALSE(empty.limited);
    CHECK(empty.reset_after_us == 0);
    // Two hits at t leave the arrival time at t + 2 s: one left.
    auto two = redops::repo::gcra_peek(t + 2'000'000, t, 1'000'000, 3);
    CHECK(two.remaining == 1);
    CHECK(two.reset_after_us == 2'000'000);
    // Three hits: limited until one interval has passed.
    auto full = redops::repo::gcra_peek(t + 3'000'000, t, 1'000'000, 3);
    CHECK(full.limited);
    CHECK(full.remaining == 0);
    CHECK(full.retry_after_us == 1'000'000);
    auto later = redops::repo::gcra_peek(t + 3'000'000, t + 1'000'000, 1'000'000, 3);
    CHECK(later.remaining == 1);
    CHECK_FALSE(later.limited);
}

TEST_CASE("ratelimit algorithm names round-trip and unknown ones are refused", "[ratelimit]")
{
    for (auto a : {redops::repo::Algorithm::fixed_window, redops::repo::Algorithm::sliding_log,
                   redops::repo::Algorithm::gcra}) {
        CHECK(redops::repo::parse_algorithm(redops::repo::algorithm_name(a)) == a);
    }
    CHECK_THROWS_AS(redops::repo::parse_algorithm("token-bucket"), redops::Error);
}

TEST_CASE("ratelimit load verdict: exact count unless the window moved during the run", "[ratelimit]")
{
    redops::repo::PeekResult before;
    before.remaining = 100;
    before.next_free_in_ms = 10'000;
    auto exact = redops::cli::judge_load(before, 150, 100, 50'000);
    CHECK(exact.exact);
    CHECK(exact.expected_allowed == 100);
    CHECK(exact.ok);
    CHECK_FALSE(redops::cli::judge_load(before, 150, 101, 50'000).ok); // a non-atomic limiter lets one more through
    CHECK_FALSE(redops::cli::judge_load(before, 150, 99, 50'000).ok);
    CHECK(redops::cli::judge_load(before, 40, 40, 50'000).ok);
    auto moved = redops::cli::judge_load(before, 150, 101, 10'000'000);
    CHECK_FALSE(moved.exact);
    CHECK(moved.ok);
    CHECK_FALSE(redops::cli::judge_load(before, 150, 99, 10'000'000).ok);
    before.next_free_in_ms = -1; // a counter without TTL never frees
    CHECK(redops::cli::judge_load(before, 150, 100, 10'000'000).exact);
}
