// Ctrl-C, SIGTERM or SIGHUP during bulk work: the work stops at its next safe point (between two batches, never
// with replies unread) and says what it had done, instead of dying with nothing printed. A second signal ends
// the process at once, as it would without redops' handling.
#pragma once

namespace redops {

// While alive, the first SIGINT, SIGTERM or SIGHUP only asks the work to stop; a second one has its default
// action. Commands create one around their bulk work, after any prompt: at a prompt a signal still ends
// the process at once. A signal ignored when the scope begins (nohup's SIGHUP, SIGINT of a job a script started
// with &) stays ignored. The destructor restores the dispositions it replaced. Not nested, not thread-safe.
class InterruptScope {
public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that asked the work to stop, or 0. Never set outside an InterruptScope.
int interrupt_signal() noexcept;
// "SIGINT", "SIGTERM" or "SIGHUP"; empty for any other number (0: no signal came).
const char* interrupt_name(int sig) noexcept;
// Throws Error(ErrorKind::interrupted) when a signal asked to stop. Called at the safe points: loops that send
// batches call it before each one, so a signal outside a scope (none is caught) never makes it throw.
void throw_if_interrupted();

} // namespace redops
