// Helpers for the [fault] tests: run redops with its peak memory measured, and log each case for the fault matrix.
#pragma once

#include "process.h"

#include <string>
#include <vector>

namespace redops::test {

struct MeasuredRun {
    ProcessResult result;
    long long max_rss_kb = -1; // peak resident set of the redops process, from /usr/bin/time
};

// Runs redops under /usr/bin/time -f, which reports the child's peak RSS and passes its exit code through.
MeasuredRun run_redops_measured(const std::vector<std::string>& args, const RunOptions& options = {});

// `a` followed by `b`: global options then a command.
std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b);

// When REDOPS_FAULT_MATRIX names a file, appends "case<TAB>exit code<TAB>data changed" to it, so repeated runs of
// the [fault] tests can be summed up into the fault matrix (case, runs, exit codes seen, data changed).
void note_fault_case(const std::string& name, int exit_code, bool data_changed);

// At most the first `limit` bytes of a command's output, for INFO messages: a looping listing can print megabytes.
std::string brief(const std::string& text, std::size_t limit = 2000);

// The arguments of a command joined by spaces, to name a case in messages.
std::string joined(const std::vector<std::string>& args);

// Case-insensitive substring test, for checking that a message names a reply or a key.
bool mentions(const std::string& text, const std::string& fragment);

} // namespace redops::test
