#include "cli/monitor_view.h"

#include "cli/monitor_format.h"
#include "output/text_width.h"
#include "output/time_format.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ostream>

namespace redops::cli {

namespace {

constexpr size_t k_history = 60;
constexpr size_t k_events = 5;

void remember(std::deque<double>& values, double value)
{
    values.push_back(value);
    if (values.size() > k_history) {
        values.pop_front();
    }
}

// "keys token 120 lock 3 … other 2 (1.5s ago)", then the keys without TTL and the layer figures of the same
// census; or the progress of the first pass.
std::string keys_row(const repo::KeyCensusReport& keys, long long time_ms)
{
    std::vector<std::string> rows{"keys"};
    if (keys.counts) {
        std::string& row = rows.back();
        for (const auto& count : *keys.counts) {
            row += fmt::format("  {} {}", count.kind, count.count);
        }
        row += keys.partial ? "  (partial: --keys-budget ran out)"
               : keys.exact ? "  (exact)"
                            : fmt::format("  ({:.1f}s ago)", repo::keys_age_s(keys, time_ms).value_or(0));
        std::string no_ttl = "no ttl";
        for (const auto& count : *keys.counts) {
            no_ttl += fmt::format("  {} {}", count.kind, count.without_ttl);
        }
        std::string layer = "layer ";
        for (const auto& figure : layer_figures()) {
            auto value = figure.value(keys.layer);
            layer += value ? fmt::format("  {} {}{}", figure.field, *value, figure.unit)
                           : fmt::format("  {} -", figure.field);
        }
        rows.push_back(std::move(no_ttl));
        rows.push_back(std::move(layer));
    } else {
        rows.back() += fmt::format("  counting… {} scanned", keys.scanned);
    }
    if (!keys.error.empty()) {
        rows.back() += "  error: " + keys.error;
    }
    std::string out;
    for (const auto& row : rows) {
        out += output::sanitize_for_terminal(row) + "\r\n";
    }
    return out;
}

} // namespace

std::string sparkline(const std::deque<double>& values)
{
    static constexpr std::array<std::string_view, 8> k_blocks{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    double low = 0;
    double high = 0;
    bool any = false;
    for (double v : values) {
        if (v >= 0) {
            low = any ? std::min(low, v) : v;
            high = any ? std::max(high, v) : v;
            any = true;
        }
    }
    std::string out;
    for (double v : values) {
        if (v < 0) {
            out += "×";
            continue;
        }
        size_t level = high > low ? static_cast<size_t>((v - low) / (high - low) * 7.0 + 0.5) : 0;
        out += k_blocks[std::min<size_t>(level, 7)];
    }
    return out;
}

LiveView::LiveView(std::ostream& out, int input_fd) : m_out(out), m_fd(input_fd)
{
    if (::tcgetattr(m_fd, &m_saved) == 0) {
        termios raw = m_saved;
        // No line buffering, no echo, and Ctrl-C as a byte we read, so quitting always restores the terminal.
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        m_raw = ::tcsetattr(m_fd, TCSANOW, &raw) == 0;
    }
    m_out << "\x1b[?1049h\x1b[?25l" << std::flush; // alternate screen, hidden cursor
}

LiveView::~LiveView()
{
    m_out << "\x1b[?25h\x1b[?1049l" << m_last << std::flush;
    if (m_raw) {
        ::tcsetattr(m_fd, TCSANOW, &m_saved);
    }
}

void LiveView::render(const repo::HealthSample& s, const std::vector<std::string>& events)
{
    remember(m_latency, s.healthy ? s.latency_ms : -1);
    remember(m_ops, s.healthy ? static_cast<double>(s.ops_per_sec) : -1);
    for (const auto& event : events) {
        m_events.push_back(event);
        if (m_events.size() > k_events) {
            m_events.erase(m_events.begin());
        }
    }
    std::string screen = fmt::format("redops monitor — {} — {}\r\n\r\n", output::rfc3339_utc_ms(s.time_ms),
                                     s.healthy ? "HEALTHY" : "UNHEALTHY (degraded mode)");
    if (s.healthy) {
        auto memory = repo::memory_percent(s);
        screen += fmt::format("role {}  version {}  uptime {}s\r\n", s.role, s.version, s.uptime_s);
        screen += fmt::format("latency {:.3f} ms  ops/s {}  clients {}  rejected {}\r\n", s.latency_ms, s.ops_per_sec,
                              s.connected_clients, s.rejected_connections);
        screen += fmt::format("memory {} / {} bytes ({})  policy {}  evicted {}\r\n", s.used_memory, s.maxmemory,
                              memory ? fmt::format("{:.1f}%", *memory) : "no limit", s.maxmemory_policy,
                              s.evicted_keys);
        if (!s.master_link_status.empty() || s.replication_lag_s || s.replication_lag_bytes) {
            screen += fmt::format("master link {}  replication lag {}s / {} bytes  replicas {}\r\n",
                                  s.master_link_status.empty() ? "-" : s.master_link_status,
                                  s.replication_lag_s ? std::to_string(*s.replication_lag_s) : "-",
                                  s.replication_lag_bytes ? std::to_string(*s.replication_lag_bytes) : "-",
                                  s.connected_replicas);
        }
        if (s.keys) {
            screen += keys_row(*s.keys, s.time_ms);
        }
        if (!s.healthy) {
            screen += fmt::format("error: {}\r\n", output::sanitize_for_terminal(s.error));
        }
    } else {
        screen += fmt::format("error: {}\r\n\r\n\r\n", output::sanitize_for_terminal(s.error));
    }
    screen += fmt::format("\r\nlatency {}\r\nops/s   {}\r\n\r\n", sparkline(m_latency), sparkline(m_ops));
    for (const auto& e : m_events) {
        screen += output::sanitize_for_terminal(e) + "\r\n";
    }
    m_last = screen;
    m_out << "\x1b[H\x1b[J" << screen << "\r\nq: quit\r\n" << std::flush;
}

bool LiveView::wait_until(std::chrono::steady_clock::time_point deadline)
{
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return true;
        }
        pollfd p{m_fd, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready > 0) {
            char c = 0;
            ssize_t n = ::read(m_fd, &c, 1);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0 || c == 'q' || c == 'Q' || c == 3) { // end of input, q, Ctrl-C
                return false;
            }
        }
    }
}

} // namespace redops::cli
