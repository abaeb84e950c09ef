// Finds the current primary of a Sentinel-managed set: asks each sentinel in turn, then checks ROLE.
#pragma once

#include "redis/options.h"

#include <optional>
#include <string>
#include <vector>

namespace redops::redis {

struct SentinelQuery {
    std::vector<std::string> sentinels; // "host:port"
    std::string master;                 // the monitored master's name
    std::string password;               // sentinels may require their own AUTH
};

// Returns options for the primary (the base options with its address). Throws Error(connection) naming every
// sentinel's failure when none can tell, Error(config) when no sentinel knows the master name.
ConnectionOptions resolve_sentinel_primary(const SentinelQuery& query, const ConnectionOptions& base);

// The primary's address as the first sentinel that knows the name tells it, without connecting to it;
// nullopt when no sentinel answers or knows it. Cheap enough to ask before every monitor sample.
std::optional<Endpoint> sentinel_named_primary(const SentinelQuery& query, const ConnectionOptions& base);

// "host:port" or "[v6]:port" split; throws Error(config).
Endpoint parse_host_port(const std::string& text);

} // namespace redops::redis
