// Progress of long bulk work on stderr: only on a terminal, only once the work has taken about a second.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

namespace redops::output {

// One line, redrawn in place ("\r"), at most every k_redraw; cleared by finish() (and the destructor), so
// nothing of it stays behind the command's own output. Disabled (never writes) when stderr is not a terminal or
// with --quiet: logs and pipes never see it.
class Progress {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr std::chrono::milliseconds k_delay{1000};
    static constexpr std::chrono::milliseconds k_redraw{200};

    // `what` names the work ("token flush"); nothing is drawn before `delay`; `clock` defaults to steady_clock
    // (tests pass their own).
    Progress(std::ostream& err, bool enabled, std::string what, std::chrono::milliseconds delay = k_delay,
             Clock clock = {});
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Totals so far: keys found (matched and owned) and keys deleted (shown once there are any).
    void update(long long found, long long deleted);
    // Adds a batch to the totals.
    void add(long long found, long long deleted) { update(m_found + found, m_deleted + deleted); }
    void finish();
    bool shown() const noexcept { return m_shown; }

private:
    std::ostream& m_err;
    bool m_enabled;
    std::string m_what;
    std::chrono::milliseconds m_delay;
    Clock m_clock;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_draw;
    long long m_found = 0;
    long long m_deleted = 0;
    bool m_shown = false;
};

// "1,234,567": counts for people.
std::string group_thousands(long long value);

} // namespace redops::output
