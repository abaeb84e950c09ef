// Masks the secrets a run was given (passwords, tokens, URLs with passwords) in any message it prints.
#pragma once

#include "config/loader.h"

#include <string>
#include <utility>
#include <vector>

namespace redops::cli {

// Collected from argv and the environment before parsing, so even a CLI11 parse error that echoes a value
// (`-a` followed by something unexpected, an extra argument) cannot print a password.
class SecretMask {
public:
    SecretMask(int argc, const char* const* argv, const config::EnvLookup& env);

    // A password or token: replaced by *** wherever it appears (ignored when shorter than k_min_secret, which
    // would mask innocent text; such a password is masked inside its URL all the same).
    void add_secret(const std::string& secret);
    // A connection URL: replaced by its redacted form, and its password (decoded) added as a secret.
    void add_url(const std::string& url);
    std::string apply(std::string text) const;

    static constexpr std::size_t k_min_secret = 4;

private:
    std::vector<std::pair<std::string, std::string>> m_replacements; // needle -> replacement
};

} // namespace redops::cli
