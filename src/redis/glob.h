// Redis's glob (SCAN/SSCAN MATCH, KEYS) evaluated on the client, to re-check every key a server returns.
#pragma once

#include <string_view>

namespace redops::redis {

// Whether `text` matches `pattern` as Redis's stringmatchlen() decides: * ? [abc] [^a-z] and \ escapes.
// Iterative (backtracks to the last '*' only), so a crafted key or pattern costs O(len(text) * len(pattern)).
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace redops::redis
