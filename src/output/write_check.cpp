#include "output/write_check.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ostream>
#include <poll.h>
#include <unistd.h>

namespace redops::output {

namespace {

void ignore_signal(int)
{
}

// A pipe whose reader is gone polls as POLLERR; errno may have been overwritten since the failed write.
bool stdout_reader_gone()
{
    pollfd fd{STDOUT_FILENO, POLLOUT, 0};
    return ::poll(&fd, 1, 0) == 1 && (fd.revents & POLLERR) != 0;
}

} // namespace

bool OutputError::broken_pipe() const noexcept
{
    return m_error_number == EPIPE || stdout_reader_gone();
}

void check_written(std::ostream& out, bool flush)
{
    if (out.good()) {
        if (!flush) {
            return;
        }
        errno = 0;
        out.flush();
        if (out.good()) {
            return;
        }
    }
    // Already failed: errno still tells why, unless a later call overwrote it (then "write error").
    int error_number = errno;
    std::string why = error_number != 0 ? std::strerror(error_number) : std::string("write error");
    throw OutputError(fmt::format("cannot write to standard output: {}", why), error_number);
}

void catch_sigpipe()
{
    struct sigaction action {};
    action.sa_handler = ignore_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGPIPE, &action, nullptr);
}

void die_of_sigpipe()
{
    std::signal(SIGPIPE, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(SIGPIPE);
    ::_exit(128 + SIGPIPE); // not reached
}

} // namespace redops::output
