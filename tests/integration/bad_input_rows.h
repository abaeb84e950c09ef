// The rows of the bad-input matrix (test_bad_input_matrix.cpp) and the config files they read.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace redops::test {

// Known to the matrix server as its password; no row may print it.
inline constexpr const char* k_matrix_password = "Matrix-Pw-7f3e91c";

// Placeholders in args, env and files: @URL@ (the seeded server), @CLUSTER@ (a cluster-enabled node),
// @PW@ (the password), @DIR@ (where the files are).
struct MatrixRow {
    std::vector<std::string> args;
    int exit_code;
    std::string fragment;                   // expected in stderr, and in the JSON error's message
    std::map<std::string, std::string> env; // on top of REDIS_PASSWORD=@PW@
    bool connect = true;                    // prepend --url @URL@
    bool nagios = false;                    // a Nagios verdict on stdout instead of an error
    std::string stdin_data;
};

std::vector<MatrixRow> matrix_rows();
// File name -> content, written to @DIR@ before the rows run.
std::map<std::string, std::string> matrix_files();

} // namespace redops::test
