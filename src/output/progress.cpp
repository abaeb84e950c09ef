#include "output/progress.h"

#include "output/text_width.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace redops::output {

Progress::Progress(std::ostream& err, bool enabled, std::string what, std::chrono::milliseconds delay, Clock clock)
    : m_err(err), m_enabled(enabled), m_what(sanitize_for_terminal(what)), m_delay(delay), m_clock(std::move(clock))
{
    if (!m_clock) {
        m_clock = [] { return std::chrono::steady_clock::now(); };
    }
    m_start = m_clock();
    m_last_draw = m_start;
}

Progress::~Progress()
{
    finish();
}

void Progress::update(long long found, long long deleted)
{
    m_found = found;
    m_deleted = deleted;
    if (!m_enabled) {
        return;
    }
    const auto now = m_clock();
    if (now - m_start < m_delay || (m_shown && now - m_last_draw < k_redraw)) {
        return;
    }
    m_last_draw = now;
    m_shown = true;
    const double seconds = std::max(1e-3, std::chrono::duration<double>(now - m_start).count());
    const auto rate = static_cast<long long>(static_cast<double>(m_found) / seconds);
    // "\x1b[K" clears what a longer previous line left behind.
    // Counting (a dry run before a prompt) deletes nothing: "0 deleted" would only distract.
    std::string deleted_text = m_deleted > 0 ? fmt::format(", {} deleted", group_thousands(m_deleted)) : "";
    m_err << fmt::format("\r{}: {} keys found{}, {} keys/s\x1b[K", m_what, group_thousands(m_found), deleted_text,
                         group_thousands(rate))
          << std::flush;
}

void Progress::finish()
{
    if (m_shown) {
        m_err << "\r\x1b[K" << std::flush;
        m_shown = false;
    }
}

std::string group_thousands(long long value)
{
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

} // namespace redops::output
