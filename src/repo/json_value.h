// Values read from Redis are untrusted: JSON is parsed with a nesting limit and a too-deep value is never built.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace redops::repo {

// Deeper than any payload the services write, shallow enough that nlohmann's recursive copy, dump and
// destructor stay far from the stack's end.
inline constexpr std::size_t k_max_json_depth = 64;

// The parsed value, or nullopt with `problem` set ("not JSON", "nested deeper than 64 levels"). Nesting past
// max_depth is rejected while parsing (nlohmann's parser is iterative; the callback discards every container
// past the limit), so no deep value ever exists in memory.
std::optional<nlohmann::ordered_json> parse_json_value(std::string_view text, std::string& problem,
                                                       std::size_t max_depth = k_max_json_depth);

} // namespace redops::repo
