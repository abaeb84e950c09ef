// A point in time after which a network operation gives up; every read, write and connect takes one.
#pragma once

#include <chrono>

namespace redops::redis {

class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    explicit Deadline(std::chrono::milliseconds budget) : m_at(Clock::now() + budget), m_budget(budget) {}

    // Milliseconds left, clamped to [0, INT_MAX] for poll(2).
    int remaining_ms() const;
    bool expired() const { return Clock::now() >= m_at; }
    std::chrono::milliseconds budget() const { return m_budget; }

private:
    Clock::time_point m_at;
    std::chrono::milliseconds m_budget;
};

} // namespace redops::redis
