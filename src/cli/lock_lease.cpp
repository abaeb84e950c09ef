#include "cli/lock_lease.h"

#include <algorithm>

namespace redops::cli {

using std::chrono::milliseconds;

LeaseTiming LeaseTiming::for_ttl(milliseconds ttl, milliseconds command_timeout)
{
    LeaseTiming t;
    t.ttl = ttl;
    t.renew_every = std::max(ttl / 3, milliseconds(1));
    t.margin = std::min(std::max(ttl / 10, milliseconds(100)), ttl / 3);
    auto window = ttl - t.renew_every - t.margin;
    t.attempt_timeout = std::clamp(window / 2, milliseconds(1), std::max(command_timeout, milliseconds(1)));
    t.retry_pause = std::max(ttl / 20, milliseconds(10));
    return t;
}

Lease::Lease(LeaseTiming timing, LeaseClock::time_point acquire_sent)
    : m_timing(timing), m_held_until(acquire_sent + timing.ttl)
{
}

void Lease::renewed(LeaseClock::time_point sent)
{
    std::lock_guard lock(m_mutex);
    if (m_lost) {
        return;
    }
    m_held_until = std::max(m_held_until, sent + m_timing.ttl);
    ++m_renewals;
}

void Lease::lose(const std::string& reason)
{
    std::lock_guard lock(m_mutex);
    if (m_lost) {
        return;
    }
    m_lost = true;
    m_reason = reason;
    m_lost_at = LeaseClock::now();
}

bool Lease::check(LeaseClock::time_point now)
{
    std::lock_guard lock(m_mutex);
    if (!m_lost && now >= m_held_until - m_timing.margin) {
        m_lost = true;
        m_before_expiry = true;
        m_lost_at = now;
        m_reason = "it could not be renewed in time (no reply from Redis); declared lost before it can expire";
    }
    return m_lost;
}

bool Lease::lost() const
{
    std::lock_guard lock(m_mutex);
    return m_lost;
}

bool Lease::lost_before_expiry() const
{
    std::lock_guard lock(m_mutex);
    return m_before_expiry;
}

std::string Lease::lost_reason() const
{
    std::lock_guard lock(m_mutex);
    return m_reason;
}

LeaseClock::time_point Lease::held_until() const
{
    std::lock_guard lock(m_mutex);
    return m_held_until;
}

LeaseClock::time_point Lease::loss_deadline() const
{
    std::lock_guard lock(m_mutex);
    return m_held_until - m_timing.margin;
}

LeaseClock::time_point Lease::kill_deadline() const
{
    std::lock_guard lock(m_mutex);
    return m_held_until - m_timing.margin / 2;
}

std::optional<LeaseClock::time_point> Lease::lost_at() const
{
    std::lock_guard lock(m_mutex);
    return m_lost ? std::optional(m_lost_at) : std::nullopt;
}

int Lease::renewals() const
{
    std::lock_guard lock(m_mutex);
    return m_renewals;
}

} // namespace redops::cli
