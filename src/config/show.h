// The effective configuration as name/value/source rows for `redops config show`; secrets masked.
#pragma once

#include "config/settings.h"

#include <string>
#include <vector>

namespace redops::config {

struct ShownSetting {
    std::string name;   // "connection.host", "keys.token", "defaults.lock_ttl", "profile", ...
    std::string value;  // display text; "***" for a set secret, "(none)" for an empty value
    std::string source; // describe(origin): "flag --port", "env REDIS_URL", "file /x.json:prod", "default"
};

std::vector<ShownSetting> show_settings(const Settings& settings);

} // namespace redops::config
