// What `lock run` can prove about holding its lock: renewal timing from the TTL, and the loss declared before expiry.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace redops::cli {

using LeaseClock = std::chrono::steady_clock;

// Every figure comes from the TTL (man redops-lock, GUARANTEES).
struct LeaseTiming {
    std::chrono::milliseconds ttl{0};
    std::chrono::milliseconds renew_every{0};     // ttl/3
    std::chrono::milliseconds margin{0};          // max(ttl/10, 100ms), at most ttl/3
    std::chrono::milliseconds attempt_timeout{0}; // one renewal call: min(--timeout, (ttl - renew_every - margin)/2)
    std::chrono::milliseconds retry_pause{0};     // between failed renewal calls: max(ttl/20, 10ms)

    static LeaseTiming for_ttl(std::chrono::milliseconds ttl, std::chrono::milliseconds command_timeout);
};

// The lock is proved held until (send time of the last successful SET or PEXPIRE) + ttl: the server set that
// expiry no earlier than we sent the command. The loss is declared `margin` before that moment at the latest.
// Shared by the renewal thread and the supervisor; every member locks.
class Lease {
public:
    Lease(LeaseTiming timing, LeaseClock::time_point acquire_sent);

    const LeaseTiming& timing() const { return m_timing; }
    // A renewal sent at `sent` succeeded. Ignored once the loss was declared: a loss is final.
    void renewed(LeaseClock::time_point sent);
    // Redis answered that the lock is gone or another owner's: lost now (the lock may be held by another).
    void lose(const std::string& reason);
    // Declares the loss when `now` has reached the loss deadline; true when the lease is lost (now or before).
    bool check(LeaseClock::time_point now);

    bool lost() const;
    // True when the loss was declared by the deadline, i.e. before the lock could expire.
    bool lost_before_expiry() const;
    std::string lost_reason() const;
    LeaseClock::time_point held_until() const;
    // held_until - margin: no proof of holding after this moment.
    LeaseClock::time_point loss_deadline() const;
    // held_until - margin/2: by then a job that ignored SIGTERM gets SIGKILL (--kill-on-loss).
    LeaseClock::time_point kill_deadline() const;
    // When the loss was declared, else nullopt.
    std::optional<LeaseClock::time_point> lost_at() const;
    int renewals() const;

private:
    mutable std::mutex m_mutex;
    LeaseTiming m_timing;
    LeaseClock::time_point m_held_until;
    int m_renewals = 0;
    bool m_lost = false;
    bool m_before_expiry = false;
    std::string m_reason;
    LeaseClock::time_point m_lost_at;
};

} // namespace redops::cli
