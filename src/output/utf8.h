// Strict UTF-8 decoding shared by the output layer, so masking and width agree on what a code point is.
#pragma once

#include <cstddef>
#include <string_view>

namespace redops::output {

struct DecodedCodePoint {
    char32_t code_point = 0;
    std::size_t length = 1; // bytes consumed; 1 for an invalid byte
    bool valid = false;
};

// Decodes the sequence starting at `pos` (< text.size()). Overlong forms, surrogates and values above
// U+10FFFF are invalid: the first byte is then consumed alone, so bytes from Redis can never hide a
// following character inside a bogus sequence.
DecodedCodePoint decode_utf8(std::string_view text, std::size_t pos);

} // namespace redops::output
