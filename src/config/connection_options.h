// Turns the effective settings into the options one Redis connection needs.
#pragma once

#include "config/settings.h"
#include "redis/options.h"

namespace redops::config {

redis::ConnectionOptions connection_options(const Settings& settings);

} // namespace redops::config
