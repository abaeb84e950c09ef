#include "common/interrupt.h"

#include "common/error.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <string>
#include <string_view>
#include <unistd.h>

namespace redops {
namespace {

constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_tell = 0; // stderr is a terminal: the operator who pressed Ctrl-C hears what happens
constexpr std::string_view k_stopping = "\nredops: stopping after the batch in flight (a second Ctrl-C ends it now)\n";
std::array<struct sigaction, k_signals.size()> g_previous{};
std::array<bool, k_signals.size()> g_installed{};

// The first signal asks the work to stop; a second one (of any of the three) has its default action at once.
void on_stop_signal(int sig)
{
    if (g_signal != 0) {
        std::signal(sig, SIG_DFL); // async-signal-safe, as is raise()
        std::raise(sig);
        return;
    }
    g_signal = sig;
    if (g_tell != 0) {
        const int saved = errno; // the code the signal interrupted may be about to read errno
        const ssize_t ignored = ::write(STDERR_FILENO, k_stopping.data(), k_stopping.size());
        (void)ignored;
        errno = saved;
    }
}

} // namespace

InterruptScope::InterruptScope()
{
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a write to stdout or a read of a file goes on as if nothing came (poll() is never restarted;
    // the transport waits again until its deadline).
    action.sa_flags = SA_RESTART;
    g_tell = ::isatty(STDERR_FILENO) == 1 ? 1 : 0;
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
        // A signal the caller ignores stays ignored: nohup's SIGHUP, SIGINT of a job a script started with &.
        g_installed[i] = sigaction(k_signals[i], nullptr, &g_previous[i]) == 0 && g_previous[i].sa_handler != SIG_IGN;
        if (g_installed[i]) {
            sigaction(k_signals[i], &action, nullptr);
        }
    }
}

InterruptScope::~InterruptScope()
{
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
        if (g_installed[i]) {
            sigaction(k_signals[i], &g_previous[i], nullptr);
        }
    }
}

int interrupt_signal() noexcept
{
    return g_signal;
}

const char* interrupt_name(int sig) noexcept
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "";
    }
}

void throw_if_interrupted()
{
    if (const int sig = g_signal; sig != 0) {
        throw Error(ErrorKind::interrupted, std::string("interrupted by ") + interrupt_name(sig));
    }
}

} // namespace redops
