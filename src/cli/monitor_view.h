// The live monitor screen on a terminal: repainted in place, latency sparkline, quits on q or Ctrl-C.
#pragma once

#include "repo/health_sample.h"

#include <termios.h>

#include <chrono>
#include <deque>
#include <iosfwd>
#include <string>
#include <vector>

namespace redops::cli {

// One block character per value scaled between the smallest and largest; a negative value (failed sample) is "×".
std::string sparkline(const std::deque<double>& values);

class LiveView {
public:
    // Puts the terminal on `input_fd` in raw mode and switches `out` to the alternate screen.
    LiveView(std::ostream& out, int input_fd);
    // Restores the terminal mode and the main screen, whatever way the loop ended, and prints the last sample
    // there, so it stays on screen after the view is gone.
    ~LiveView();
    LiveView(const LiveView&) = delete;
    LiveView& operator=(const LiveView&) = delete;

    void render(const repo::HealthSample& sample, const std::vector<std::string>& events);
    // Waits for the deadline; false as soon as the user pressed q, Q or Ctrl-C.
    bool wait_until(std::chrono::steady_clock::time_point deadline);

private:
    std::ostream& m_out;
    int m_fd;
    termios m_saved{};
    bool m_raw = false;
    std::deque<double> m_latency;
    std::deque<double> m_ops;
    std::vector<std::string> m_events;
    std::string m_last; // the last screen without its clearing and key help
};

} // namespace redops::cli
