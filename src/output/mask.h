// Masking of secrets (tokens, lock owners, session ids) so nothing sensitive is printed unasked.
#pragma once

#include <string>
#include <string_view>

namespace redops::output {

// With `reveal` the secret unchanged. Otherwise "eyJh…x9Q (812 chars)" for secrets of at least 16 bytes
// and 16 code points, "… (N chars)" for shorter ones, "(empty)" for an empty one. N counts bytes.
std::string mask_secret(std::string_view secret, bool reveal);

} // namespace redops::output
