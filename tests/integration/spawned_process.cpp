#include "spawned_process.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace redops::test {

namespace {

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Whether SIGKILL is pending for the process: it then runs no more of its own code, whenever the scheduler gets
// to it (under load that can be a while after the signal was sent).
bool kill_pending(const std::filesystem::path& proc_dir)
{
    std::istringstream status(read_all(proc_dir / "status"));
    const unsigned long long kill_bit = 1ULL << (SIGKILL - 1);
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("SigPnd:", 0) == 0 || line.rfind("ShdPnd:", 0) == 0) {
            if ((std::stoull(line.substr(7), nullptr, 16) & kill_bit) != 0) {
                return true;
            }
        }
    }
    return false;
}

// Whether the process behind /proc/PID (`proc_dir`) is in group `pgid` and can still run its own code.
bool running_in_group(const std::filesystem::path& proc_dir, pid_t pgid)
{
    // /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
    std::string stat = read_all(proc_dir / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return false; // gone meanwhile
    }
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    long ppid = 0;
    long pgrp = 0;
    fields >> state >> ppid >> pgrp;
    return fields && pgrp == pgid && state != 'Z' && state != 'X' && !kill_pending(proc_dir);
}

} // namespace

SpawnedProcess::SpawnedProcess(const std::vector<std::string>& argv)
{
    std::string tmpl = (std::filesystem::temp_directory_path() / "redops-spawn-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_dir = tmpl;
    std::vector<std::string> env;
    for (const char* name : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        if (const char* value = std::getenv(name)) {
            env.push_back(std::string(name) + "=" + value);
        }
    }
    // Built before fork: a child that allocates can deadlock on a lock another thread held at the fork.
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = ::open((m_dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = ::open((m_dir / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::execvpe(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(in);
    ::close(out);
    ::close(err);
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    m_pid = pid;
}

SpawnedProcess::~SpawnedProcess()
{
    if (!m_exit_code && m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
}

void SpawnedProcess::signal(int sig) const
{
    ::kill(m_pid, sig);
}

std::optional<int> SpawnedProcess::wait(std::chrono::milliseconds timeout)
{
    if (m_exit_code) {
        return m_exit_code;
    }
    eventually(
        [&] {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            return m_exit_code.has_value();
        },
        timeout);
    return m_exit_code;
}

std::string SpawnedProcess::out() const
{
    return read_all(m_dir / "out");
}

std::string SpawnedProcess::err() const
{
    return read_all(m_dir / "err");
}

bool process_group_alive(pid_t pgid)
{
    return ::kill(-pgid, 0) == 0 || errno == EPERM;
}

bool process_group_running(pid_t pgid)
{
    std::error_code ec;
    return std::ranges::any_of(std::filesystem::directory_iterator("/proc", ec), [&](const auto& entry) {
        const std::string name = entry.path().filename().string();
        return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos &&
               running_in_group(entry.path(), pgid);
    });
}

bool process_group_running(pid_t pgid, const std::vector<pid_t>& members)
{
    return std::ranges::any_of(members,
                               [&](pid_t pid) {
                                   return running_in_group(std::filesystem::path("/proc") / std::to_string(pid), pgid);
                               }) ||
           process_group_running(pgid); // every known member gone: make sure no other one runs
}

} // namespace redops::test
