// Internal to the loader: finding, reading, validating and applying the JSON config file (spec §2).
#pragma once

#include "config/load_state.h"
#include "config/loader.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace redops::config::detail {

struct ConfigFileChoice {
    std::string path;
    Origin origin; // where the choice came from: --config, REDOPS_CONFIG or the search path
};

// --config, else REDOPS_CONFIG (both must exist), else $XDG_CONFIG_HOME/redops/config.json, else
// `system_path`; the implicit ones only when they exist. nullopt: no file.
std::optional<ConfigFileChoice> choose_config_file(const FlagValues& flags, const EnvLookup& env,
                                                   const std::string& system_path);

// Parses JSON with comments; Error(config) naming the file and line, never echoing the text read.
nlohmann::json read_config_file(const std::string& path);

// Checks the whole document (every profile, so a typo in one is found in all) and returns the profile
// names it defines.
std::vector<std::string> validate_config_file(const nlohmann::json& doc, const std::string& path);

// Applies the top level and then the named profile (empty: none) to the state.
void apply_config_file(const nlohmann::json& doc, const std::string& path, const std::string& profile,
                       LoadState& state);

} // namespace redops::config::detail
