// The user's words for an error: what a lower layer states as a fact, with the flag, variable or setting to change.
#pragma once

#include "common/error.h"

#include <exception>
#include <string>

namespace redops::cli {

// The error's message, followed by the remedy it names (Error::remedy) in terms of flags, URLs and settings.
std::string in_user_words(const Error& error);
// The same for any exception: what() unless it is an Error.
std::string in_user_words(const std::exception& error);

} // namespace redops::cli
