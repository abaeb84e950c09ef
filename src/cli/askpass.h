// Reads a password from the controlling terminal with echo off (--askpass).
#pragma once

#include <string>

namespace redops::cli {

// Throws Error(usage) when there is no terminal to ask on.
std::string prompt_password(const std::string& prompt);

} // namespace redops::cli
