#include "output/utf8.h"

#include <utf8proc.h>

namespace redops::output {

DecodedCodePoint decode_utf8(std::string_view text, std::size_t pos)
{
    // utf8proc_iterate is strict: overlong forms, surrogates and values above U+10FFFF are errors.
    utf8proc_int32_t code_point = -1;
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
    const auto length = utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - pos), &code_point);
    if (length <= 0 || code_point < 0) {
        return {static_cast<unsigned char>(text[pos]), 1, false};
    }
    return {static_cast<char32_t>(code_point), static_cast<std::size_t>(length), true};
}

} // namespace redops::output
