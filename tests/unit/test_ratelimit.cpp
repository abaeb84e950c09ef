// The degraded in-memory limiter with an injected clock, and the GCRA arithmetic the peek relies on.
#include "cli/ratelimit_load.h"
#include "common/error.h"
#include "common/sliding_limiter.h"
#include "repo/ratelimit_repository.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

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
    for (auto a :
         {redops::repo::Algorithm::fixed_window, redops::repo::Algorithm::sliding_log, redops::repo::Algorithm::gcra}) {
        CHECK(redops::repo::parse_algorithm(redops::repo::algorithm_name(a)) == a);
    }
    CHECK_THROWS_AS(redops::repo::parse_algorithm("token-bucket"), redops::Error);
}

namespace {

using redops::cli::Verdict;

// The state a peek reports with `current` of 100 used; `next_free_ms` until one unit frees up.
redops::repo::PeekResult state(long long current, long long next_free_ms = 10'000)
{
    redops::repo::PeekResult p;
    p.capacity = 100;
    p.current = current;
    p.remaining = std::max(0LL, 100 - current);
    p.next_free_in_ms = next_free_ms;
    return p;
}

Verdict judge(long long before_used, long long after_used, long long requests, long long allowed,
              long long elapsed_us = 50'000)
{
    return redops::cli::judge_load(state(before_used), state(after_used), requests, allowed, elapsed_us).verdict;
}

} // namespace

TEST_CASE("load verdict alone on the subject: exactly what the state allowed", "[ratelimit]")
{
    auto exact = redops::cli::judge_load(state(0), state(100), 150, 100, 50'000);
    CHECK(exact.exact);
    CHECK(exact.expected_allowed == 100);
    CHECK(exact.verdict == Verdict::held);
    CHECK_FALSE(exact.shared);
    CHECK(judge(0, 101, 150, 101) == Verdict::broken); // a non-atomic limiter lets one more through
    CHECK(judge(0, 99, 150, 99) == Verdict::broken);   // denied while capacity was left
    CHECK(judge(0, 40, 40, 40) == Verdict::held);
    CHECK(judge(60, 100, 150, 40) == Verdict::held);
    CHECK(judge(100, 100, 10, 0) == Verdict::held); // limited from the start: every hit denied
    auto moved = redops::cli::judge_load(state(0), state(1), 150, 101, 10'000'000);
    CHECK_FALSE(moved.exact);
    CHECK(moved.verdict == Verdict::held); // freed capacity: more than the start allowed is fine
    CHECK(judge(0, 99, 150, 99, 10'000'000) == Verdict::broken);
    CHECK(redops::cli::judge_load(state(0, -1), state(100, -1), 150, 100, 10'000'000).exact); // no TTL: never frees
}

TEST_CASE("load verdict on a shared subject: judged on the whole, never blamed on the limiter", "[ratelimit]")
{
    // 240 processes share one subject limited to 100: this run got 30, the others 70 (the reported FAIL case).
    auto shared = redops::cli::judge_load(state(0), state(100), 50, 30, 50'000);
    CHECK(shared.verdict == Verdict::held);
    CHECK(shared.shared);
    CHECK(shared.others == 70);
    CHECK(shared.server_admitted == 100);
    CHECK(judge(40, 100, 50, 0) == Verdict::held);   // the others took everything before this run's hits
    CHECK(judge(0, 60, 50, 50) == Verdict::held);    // capacity left and every hit of this run admitted
    CHECK(judge(0, 101, 50, 30) == Verdict::broken); // 101 admitted in all: over the limit whoever got them
    CHECK(judge(0, 60, 50, 40) == Verdict::broken);  // 40 unused, yet this run was denied 10 times
    // Somebody reset the subject during the run: the counts cannot be read.
    auto reset = redops::cli::judge_load(state(50), state(10), 50, 50, 50'000);
    CHECK(reset.verdict == Verdict::no_verdict);
    CHECK(reset.shared);
    // The window moved and others visibly took capacity: a short run is no proof of a broken limiter.
    CHECK(judge(0, 100, 150, 60, 10'000'000) == Verdict::no_verdict);
}

TEST_CASE("load concurrency takes at most a quarter of the server's free client slots", "[ratelimit]")
{
    CHECK(redops::cli::concurrency_cap(64, std::nullopt) == 64);
    CHECK(redops::cli::concurrency_cap(64, 9'990) == 64);
    CHECK(redops::cli::concurrency_cap(64, 80) == 20);
    CHECK(redops::cli::concurrency_cap(64, 3) == 1);
    CHECK(redops::cli::concurrency_cap(64, 0) == 1);
    CHECK(redops::cli::concurrency_cap(8, 40) == 8);
}
