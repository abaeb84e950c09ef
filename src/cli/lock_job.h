// The command `lock run` holds its lock for: its own process group, signals forwarded, waited for to the last process.
#pragma once

#include "cli/lock_lease.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <csignal>
#include <sys/types.h>

namespace redops::cli {

struct JobSpec {
    std::vector<std::string> command;
    std::vector<std::string> extra_env; // "NAME=value", replacing any inherited NAME
    std::chrono::milliseconds kill_grace{5000};
    bool kill_on_loss = false;
};

struct JobOutcome {
    bool ran = false;          // false when the command could not be executed (exit_code 126 or 127)
    int exit_code = 0;         // the command's status, 128+N when signal N ended it
    int signal = 0;            // N, or 0 when it exited
    bool group_killed = false; // the group got SIGKILL from redops (grace over, or --kill-on-loss)
    bool stragglers = false;   // processes of the group outlived the command and were waited for
};

// Owns the signal mask and the terminal while the command runs; restores both when destroyed.
class Job {
public:
    explicit Job(JobSpec spec);
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    // Forks and execs the command as the leader of a new process group (given the terminal when redops had it).
    void start();
    // Forwards signals, acts on a lost lease (`on_loss` is told once), and returns when no process of the group
    // is left. Renewal is the caller's: it keeps going until this returns.
    JobOutcome supervise(Lease& lease, const std::function<void(const std::string&)>& on_loss);
    // errno of the failed exec (the command then exits 126 or 127), else 0.
    int exec_error() const { return m_exec_error; }

private:
    void reap();
    void on_leader_stopped();
    bool group_alive() const;
    void kill_group(int sig);
    void kill_by(LeaseClock::time_point at);
    void handle_loss(Lease& lease, const std::function<void(const std::string&)>& on_loss);
    void handle_signal(int sig);
    void escalate(JobOutcome& outcome);
    timespec next_wake(const Lease& lease) const;

    JobSpec m_spec;
    sigset_t m_blocked{};
    sigset_t m_original{};
    struct sigaction m_original_pipe {};
    bool m_handover = false; // the command's group was given the terminal
    pid_t m_pgid = -1;
    int m_exec_error = 0;
    bool m_leader_done = false;
    int m_leader_status = 0;
    bool m_loss_handled = false;
    std::optional<LeaseClock::time_point> m_kill_at;
    std::optional<LeaseClock::time_point> m_killed_at;
    bool m_waiting_for_stragglers = false;
};

// "SIGTERM" for 15; "SIG<n>" for signals without a short name here.
std::string signal_name(int sig);

} // namespace redops::cli
