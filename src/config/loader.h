// The one configuration loader: flags > environment > file > defaults (spec §2).
#pragma once

#include "config/settings.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::config {

// What the user typed on the command line; nullopt/empty = not given.
struct FlagValues {
    std::optional<std::string> url;
    std::optional<std::string> host;
    std::optional<int> port;
    std::optional<int> db;
    std::optional<std::string> user;
    std::optional<std::string> password; // works, but warns: visible to other users
    std::optional<std::string> password_file;
    bool askpass = false;
    bool tls = false;
    std::optional<std::string> cacert;
    std::optional<std::string> cacertdir;
    std::optional<std::string> cert;
    std::optional<std::string> key;
    std::optional<std::string> sni;
    bool insecure = false;
    bool cluster = false;
    std::vector<std::string> sentinels;
    std::optional<std::string> master;
    std::optional<std::string> connect_timeout; // duration text, parsed by the loader
    std::optional<std::string> timeout;
    std::optional<long long> max_reply_bytes;
    std::optional<std::string> config_file;
    std::optional<std::string> profile;
};

// The environment is injected (no getenv inside the loader) so precedence is unit-testable.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// Reads a password from the terminal without echo; injected for the same reason.
using PasswordPrompt = std::function<std::string(const std::string& prompt)>;

EnvLookup process_environment();

// Throws Error(config) naming the bad value; Error(usage) for contradictory flags.
Settings load_settings(const FlagValues& flags, const EnvLookup& env, const PasswordPrompt& prompt);

// The last place searched for a config file; tests pass a path of their own to stay hermetic.
inline constexpr std::string_view k_system_config_path = "/etc/redops/config.json";
Settings load_settings(const FlagValues& flags, const EnvLookup& env, const PasswordPrompt& prompt,
                       const std::string& system_config_path);

// The profile names of the config file load_settings would read (for shell completion); empty without a file.
// Throws Error(config) for a file that cannot be read or is invalid.
std::vector<std::string> list_profiles(const FlagValues& flags, const EnvLookup& env,
                                       const std::string& system_config_path = std::string(k_system_config_path));

} // namespace redops::config
