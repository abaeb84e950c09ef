#include "common/sliding_limiter.h"

#include "common/error.h"

#include <utility>

namespace redops {

SlidingLimiter::SlidingLimiter(long long limit, std::chrono::milliseconds window, Clock clock)
    : m_limit(limit), m_window_ms(window.count()), m_clock(std::move(clock))
{
    if (m_limit <= 0 || m_window_ms <= 0) {
        throw Error(ErrorKind::usage, "the degraded limiter needs a positive limit and window");
    }
    if (!m_clock) {
        m_clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now().time_since_epoch());
        };
    }
}

SlidingLimiter::Decision SlidingLimiter::state_of(std::deque<long long>& hits, long long now) const
{
    // Hits at or before now - window have left the window.
    while (!hits.empty() && hits.front() <= now - m_window_ms) {
        hits.pop_front();
    }
    Decision d;
    d.current = static_cast<long long>(hits.size());
    d.remaining = m_limit > d.current ? m_limit - d.current : 0;
    d.reset_in_ms = hits.empty() ? 0 : hits.back() + m_window_ms - now;
    d.next_free_in_ms = hits.empty() ? 0 : hits.front() + m_window_ms - now;
    return d;
}

SlidingLimiter::Decision SlidingLimiter::hit(const std::string& key)
{
    std::lock_guard lock(m_mutex);
    long long now = m_clock().count();
    auto& hits = m_hits[key];
    Decision d = state_of(hits, now);
    if (d.current < m_limit) {
        hits.push_back(now);
        d = state_of(hits, now);
        d.allowed = true;
    }
    return d;
}

SlidingLimiter::Decision SlidingLimiter::peek(const std::string& key)
{
    std::lock_guard lock(m_mutex);
    auto& hits = m_hits[key];
    Decision d = state_of(hits, m_clock().count());
    d.allowed = d.remaining > 0;
    return d;
}

} // namespace redops
