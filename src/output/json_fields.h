// Small helpers for JSON documents: an absent value is null, never a sentinel number such as -1.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

namespace redops::output {

template <typename T>
nlohmann::ordered_json or_null(const std::optional<T>& value)
{
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// Redis's TTL/PTTL answer as JSON: the number when the key expires, null for -1 (no expiry) and -2 (no key).
inline nlohmann::ordered_json ttl_or_null(long long ttl)
{
    return ttl >= 0 ? nlohmann::ordered_json(ttl) : nlohmann::ordered_json(nullptr);
}

} // namespace redops::output
