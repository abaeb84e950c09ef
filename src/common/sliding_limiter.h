// The in-memory sliding-window limiter the services fall back to when Redis is down; the clock is injectable.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace redops {

class SlidingLimiter {
public:
    using Clock = std::function<std::chrono::milliseconds()>;

    struct Decision {
        bool allowed = false;
        long long current = 0; // hits counted in the window after this one
        long long remaining = 0;
        long long reset_in_ms = 0;     // until the window holds no hit
        long long next_free_in_ms = 0; // until the oldest hit leaves the window (0 when the window is empty)
    };

    // `clock` defaults to steady_clock; tests pass their own.
    SlidingLimiter(long long limit, std::chrono::milliseconds window, Clock clock = {});
    // One hit for `key` (provider+tenant in the services); thread-safe.
    Decision hit(const std::string& key);
    // The state of `key` now, without a hit.
    Decision peek(const std::string& key);

private:
    Decision state_of(std::deque<long long>& hits, long long now) const;

    long long m_limit;
    long long m_window_ms;
    Clock m_clock;
    std::mutex m_mutex;
    std::map<std::string, std::deque<long long>> m_hits; // ms times inside the window, oldest first
};

} // namespace redops
