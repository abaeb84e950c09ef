// Runs the built redops binary (or any program) with arguments, env and stdin; captures output and exit code.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace redops::test {

struct ProcessResult {
    int exit_code = -1; // 128+N when killed by signal N
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};
};

struct RunOptions {
    std::map<std::string, std::string> env; // added to a clean environment (PATH, HOME kept)
    std::string stdin_data;
    std::chrono::milliseconds timeout{30'000}; // the child is killed after this
};

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});
// Runs build/redops with the arguments.
ProcessResult run_redops(const std::vector<std::string>& args, const RunOptions& options = {});

} // namespace redops::test
