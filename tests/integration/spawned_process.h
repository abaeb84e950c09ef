// A program started in the background with its pid known, so a test can signal it; output captured to files.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace redops::test {

class SpawnedProcess {
public:
    // Starts argv with the clean environment run_process uses (PATH, HOME, sanitizer options).
    explicit SpawnedProcess(const std::vector<std::string>& argv);
    // SIGKILLs and reaps the process if it still runs.
    ~SpawnedProcess();
    SpawnedProcess(const SpawnedProcess&) = delete;
    SpawnedProcess& operator=(const SpawnedProcess&) = delete;

    pid_t pid() const { return m_pid; }
    void signal(int sig) const;
    // The exit code (128+N when killed by signal N) once it has exited, polling up to `timeout`; nullopt if not.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string out() const;
    std::string err() const;

private:
    std::filesystem::path m_dir;
    pid_t m_pid = -1;
    std::optional<int> m_exit_code;
};

// Whether any process of process group `pgid` exists (zombies not yet reaped included).
bool process_group_alive(pid_t pgid);
// Whether any process of process group `pgid` can still run its own code: one that exists, is not a zombie and
// has no SIGKILL pending (/proc).
bool process_group_running(pid_t pgid);
// The same, looking first at the known `members` only (two small reads each) and scanning /proc only once none of
// them runs: cheap enough to poll every few ms without taking the CPU from the processes being watched.
bool process_group_running(pid_t pgid, const std::vector<pid_t>& members);

// Polls `ready` every 10 ms until it returns true or `timeout` passes.
template <class Pred>
bool eventually(Pred ready, std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return ready();
}

} // namespace redops::test
