// The effective configuration as name/value/source rows for `redops config show`; secrets masked.
#pragma once

#include "config/settings.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace redops::config {

enum class ShownKind { text, secret, flag, number, bytes, duration, list, key };

struct ShownSetting {
    std::string name;   // "connection.host", "keys.token", "defaults.lock_ttl", "profile", ...
    std::string value;  // display text; "***" for a set secret, "(none)" for an empty value
    std::string source; // describe(origin): "flag --port", "env REDIS_URL", "file /x.json:prod", "default"
    ShownKind kind = ShownKind::text;
    // For JSON: the value typed (number, boolean, array, string; null when empty; "***" for a set secret) and
    // the snake_case path it sits under, durations in ms with the unit in the name ("defaults", "lock_ttl_ms").
    nlohmann::ordered_json typed;
    std::vector<std::string> path;
};

std::vector<ShownSetting> show_settings(const Settings& settings);

} // namespace redops::config
