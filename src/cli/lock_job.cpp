#include "cli/lock_job.h"

#include "common/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace redops::cli {

namespace {

// Forwarded to the command's process group. The first five ask it to end: if it has not after the grace, SIGKILL.
constexpr std::array<int, 7> k_forwarded{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGALRM, SIGUSR1, SIGUSR2};
constexpr std::array<int, 5> k_terminating{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGALRM};
// How long to wait for a group that got SIGKILL (a process in uninterruptible sleep) before giving up on it.
constexpr std::chrono::seconds k_after_kill{5};
constexpr std::chrono::milliseconds k_tick{100};

template <std::size_t N>
bool contains(const std::array<int, N>& signals, int sig)
{
    return std::find(signals.begin(), signals.end(), sig) != signals.end();
}

std::string env_name(const std::string& entry)
{
    return entry.substr(0, entry.find('='));
}

// The environment of redops with `extra` replacing entries of the same name.
std::vector<std::string> child_environment(const std::vector<std::string>& extra)
{
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        bool replaced = std::any_of(extra.begin(), extra.end(),
                                    [&](const std::string& x) { return env_name(x) == env_name(entry); });
        if (!replaced) {
            env.push_back(std::move(entry));
        }
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> result;
    result.reserve(strings.size() + 1);
    for (auto& s : strings) {
        result.push_back(s.data());
    }
    result.push_back(nullptr);
    return result;
}

int exit_status(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return k_exit_data;
}

} // namespace

std::string signal_name(int sig)
{
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    default: return fmt::format("SIG{}", sig);
    }
}

Job::Job(JobSpec spec) : m_spec(std::move(spec))
{
    // Blocked in every thread (the renewal thread is started later and inherits the mask) and taken with
    // sigtimedwait: no handler, no global flag. SIGTTOU too, so redops may hand the terminal back from the background.
    sigemptyset(&m_blocked);
    for (int sig : k_forwarded) {
        sigaddset(&m_blocked, sig);
    }
    sigaddset(&m_blocked, SIGCHLD);
    sigaddset(&m_blocked, SIGTTOU);
    pthread_sigmask(SIG_BLOCK, &m_blocked, &m_original);
    // A closed stderr must not kill redops while the job runs (the lock would be left to expire).
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &m_original_pipe);
}

Job::~Job()
{
    if (m_handover) {
        tcsetpgrp(STDIN_FILENO, getpgrp());
    }
    // Signals that came after the job ended were for the job; delivering them now would kill redops instead of
    // letting it exit with the job's status.
    const timespec zero{0, 0};
    while (sigtimedwait(&m_blocked, nullptr, &zero) > 0) {
    }
    sigaction(SIGPIPE, &m_original_pipe, nullptr);
    pthread_sigmask(SIG_SETMASK, &m_original, nullptr);
}

void Job::start()
{
    std::vector<std::string> args = m_spec.command;
    std::vector<std::string> env = child_environment(m_spec.extra_env);
    std::vector<char*> argv = pointers(args);
    std::vector<char*> envp = pointers(env);
    // Orphaned grandchildren are re-parented to redops, which reaps them: the group's end is then seen exactly,
    // also where PID 1 reaps nobody (containers).
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    m_handover = isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp();
    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) {
        throw Error(ErrorKind::system, fmt::format("pipe failed: {}", std::strerror(errno)));
    }
    const bool handover = m_handover;
    const sigset_t original = m_original;
    const struct sigaction original_pipe = m_original_pipe;
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(error_pipe[0]);
        close(error_pipe[1]);
        throw Error(ErrorKind::system, fmt::format("fork failed: {}", std::strerror(err)));
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        setpgid(0, 0);
        if (handover) {
            tcsetpgrp(STDIN_FILENO, getpid()); // SIGTTOU is still blocked
        }
        sigaction(SIGPIPE, &original_pipe, nullptr);
        sigprocmask(SIG_SETMASK, &original, nullptr);
        execvpe(argv[0], argv.data(), envp.data());
        int err = errno;
        [[maybe_unused]] auto written = write(error_pipe[1], &err, sizeof err);
        // As the shells do: 127 when the command is not found, 126 when it cannot be executed.
        _exit(err == ENOENT ? 127 : 126);
    }
    setpgid(pid, pid); // also here, so no signal can reach the group before it exists (EACCES after exec: fine)
    m_pgid = pid;
    if (m_handover) {
        tcsetpgrp(STDIN_FILENO, pid);
    }
    close(error_pipe[1]);
    int err = 0;
    ssize_t n = 0;
    do {
        n = read(error_pipe[0], &err, sizeof err); // EOF: the exec succeeded
    } while (n < 0 && errno == EINTR);
    close(error_pipe[0]);
    if (n == static_cast<ssize_t>(sizeof err)) {
        m_exec_error = err;
    }
}

JobOutcome Job::supervise(Lease& lease, const std::function<void(const std::string&)>& on_loss)
{
    JobOutcome outcome;
    outcome.ran = m_exec_error == 0;
    while (true) {
        reap();
        if (m_leader_done) {
            if (!group_alive()) {
                break;
            }
            if (!m_waiting_for_stragglers) {
                // The command ended but left processes in its group: they get the grace, then SIGKILL.
                m_waiting_for_stragglers = true;
                outcome.stragglers = true;
                kill_by(LeaseClock::now() + m_spec.kill_grace);
            }
        }
        handle_loss(lease, on_loss);
        escalate(outcome);
        if (m_killed_at && LeaseClock::now() - *m_killed_at > k_after_kill) {
            break; // unkillable (uninterruptible sleep): stop waiting rather than hold the lock forever
        }
        timespec wake = next_wake(lease);
        siginfo_t info{};
        int sig = sigtimedwait(&m_blocked, &info, &wake);
        if (sig > 0) {
            handle_signal(sig);
        }
    }
    outcome.exit_code = exit_status(m_leader_status);
    outcome.signal = WIFSIGNALED(m_leader_status) ? WTERMSIG(m_leader_status) : 0;
    return outcome;
}

void Job::reap()
{
    int status = 0;
    pid_t pid = 0;
    // Every child: the leader, and grandchildren re-parented to redops (the subreaper) once their parent died.
    while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
        if (pid != m_pgid) {
            continue;
        }
        if (WIFSTOPPED(status)) {
            on_leader_stopped();
        } else {
            m_leader_done = true;
            m_leader_status = status;
        }
    }
}

// Ctrl-Z stopped the command, which had the terminal: give the terminal back and stop redops too, so the shell
// sees its job stopped; on `fg` hand the terminal over again and continue the group. (Renewal stops meanwhile.)
void Job::on_leader_stopped()
{
    if (!m_handover) {
        return; // stopped by someone else's signal: keep renewing
    }
    tcsetpgrp(STDIN_FILENO, getpgrp());
    kill(getpid(), SIGTSTP); // returns once continued; ignored by the kernel when no shell can continue us
    tcsetpgrp(STDIN_FILENO, m_pgid);
    kill_group(SIGCONT);
}

bool Job::group_alive() const
{
    return kill(-m_pgid, 0) == 0 || errno == EPERM;
}

void Job::kill_group(int sig)
{
    kill(-m_pgid, sig);
}

void Job::kill_by(LeaseClock::time_point at)
{
    if (!m_kill_at || at < *m_kill_at) {
        m_kill_at = at;
    }
}

void Job::handle_loss(Lease& lease, const std::function<void(const std::string&)>& on_loss)
{
    if (m_loss_handled || !lease.check(LeaseClock::now())) {
        return;
    }
    m_loss_handled = true;
    if (m_spec.kill_on_loss) {
        // Signal first, report second: writing to stderr may block.
        kill_group(SIGTERM);
        // Declared before expiry: the group must be gone before the lock can expire, so SIGKILL at
        // expiry - margin/2. Reported by Redis: the lock is already gone, the usual grace applies.
        kill_by(lease.lost_before_expiry() ? lease.kill_deadline() : LeaseClock::now() + m_spec.kill_grace);
    }
    on_loss(lease.lost_reason());
}

void Job::handle_signal(int sig)
{
    if (!contains(k_forwarded, sig)) {
        return; // SIGCHLD: the next round reaps
    }
    kill_group(sig);
    if (contains(k_terminating, sig)) {
        kill_by(LeaseClock::now() + m_spec.kill_grace);
    }
}

void Job::escalate(JobOutcome& outcome)
{
    if (m_kill_at && !m_killed_at && LeaseClock::now() >= *m_kill_at) {
        kill_group(SIGKILL);
        m_killed_at = LeaseClock::now();
        outcome.group_killed = true;
    }
}

timespec Job::next_wake(const Lease& lease) const
{
    auto now = LeaseClock::now();
    auto wake = now + k_tick;
    if (!m_loss_handled) {
        wake = std::min(wake, lease.loss_deadline());
    }
    if (m_kill_at && !m_killed_at) {
        wake = std::min(wake, *m_kill_at);
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now).count();
    ns = std::clamp<long long>(ns, 100'000, 999'999'999); // at least 0.1 ms: no busy loop at a deadline
    return timespec{0, static_cast<long>(ns)};
}

} // namespace redops::cli
