// lock run's lease arithmetic: renewal timing and margin from the TTL, and the loss declared before expiry.
#include "cli/lock_lease.h"

#include <catch2/catch.hpp>

using redops::cli::Lease;
using redops::cli::LeaseClock;
using redops::cli::LeaseTiming;
using namespace std::chrono_literals;

TEST_CASE("lease timing comes from the TTL", "[lock][lease]")
{
    LeaseTiming thirty = LeaseTiming::for_ttl(30s, 5s);
    CHECK(thirty.renew_every == 10s);
    CHECK(thirty.margin == 3s);
    CHECK(thirty.attempt_timeout == 5s); // --timeout caps it: (30 - 10 - 3) / 2 = 8.5 s
    LeaseTiming one = LeaseTiming::for_ttl(1s, 5s);
    CHECK(one.renew_every == 333ms);
    CHECK(one.margin == 100ms); // never below 100 ms ...
    CHECK(one.attempt_timeout == 283ms);
    LeaseTiming tiny = LeaseTiming::for_ttl(150ms, 5s);
    CHECK(tiny.margin == 50ms); // ... unless the TTL is so short that ttl/3 is less
    CHECK(tiny.attempt_timeout >= 1ms);
}

TEST_CASE("the loss is declared a margin before the lock can expire and is final", "[lock][lease]")
{
    const auto t0 = LeaseClock::now();
    Lease lease(LeaseTiming::for_ttl(3s, 5s), t0);
    CHECK(lease.held_until() == t0 + 3s);
    CHECK(lease.loss_deadline() == t0 + 2700ms);
    CHECK(lease.kill_deadline() == t0 + 2850ms);
    CHECK_FALSE(lease.check(t0 + 2699ms));
    lease.renewed(t0 + 1s);
    CHECK(lease.renewals() == 1);
    CHECK(lease.held_until() == t0 + 4s);
    CHECK_FALSE(lease.check(t0 + 3699ms));
    CHECK(lease.check(t0 + 3700ms));
    CHECK(lease.lost_before_expiry());
    lease.renewed(t0 + 3800ms); // a late reply proves nothing any more
    CHECK(lease.lost());
    CHECK(lease.held_until() == t0 + 4s);
    CHECK(lease.renewals() == 1);
}

TEST_CASE("a loss reported by Redis is not one before expiry", "[lock][lease]")
{
    Lease lease(LeaseTiming::for_ttl(3s, 5s), LeaseClock::now());
    lease.lose("another owner holds it now");
    CHECK(lease.check(LeaseClock::now()));
    CHECK_FALSE(lease.lost_before_expiry());
    CHECK(lease.lost_reason() == "another owner holds it now");
    CHECK(lease.lost_at().has_value());
}
