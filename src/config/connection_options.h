// Turns the effective settings into what the Redis layer takes: one connection's options, the client factory.
#pragma once

#include "config/settings.h"
#include "redis/client_factory.h"
#include "redis/options.h"

#include <optional>

namespace redops::config {

redis::ConnectionOptions connection_options(const Settings& settings);

// The factory of clients for the topology the settings ask for (standalone, sentinels, cluster); with a cap,
// neither timeout is longer than it (at least 1ms).
redis::ClientFactory client_factory(const Settings& settings, std::optional<Millis> timeout_cap = std::nullopt);

} // namespace redops::config
