// Standard output that cannot be written is a failure (kind system); a reader that went away is told apart.
#pragma once

#include "common/error.h"

#include <iosfwd>
#include <string>

namespace redops::output {

class OutputError : public Error {
public:
    OutputError(const std::string& message, int error_number)
        : Error(ErrorKind::system, message), m_error_number(error_number)
    {
    }
    int error_number() const noexcept { return m_error_number; }
    // The reader closed the pipe (`| head -1`): the run ends quietly, as Unix tools do.
    bool broken_pipe() const noexcept;

private:
    int m_error_number;
};

// Throws OutputError when `out` has failed; with `flush`, flushes first so buffered output is tested too.
void check_written(std::ostream& out, bool flush);

// Makes a write to a closed pipe fail with EPIPE instead of killing the process (SIGPIPE is caught by a
// handler that does nothing; handlers, unlike SIG_IGN, are reset by exec, so children get the default).
void catch_sigpipe();
// Ends the process as SIGPIPE's default action would (status 128+13), after the caller cleaned up.
[[noreturn]] void die_of_sigpipe();

} // namespace redops::output
