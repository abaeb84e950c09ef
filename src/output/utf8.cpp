#include "output/utf8.h"

namespace redops::output {
namespace {

bool is_continuation(unsigned char byte)
{
    return (byte & 0xC0U) == 0x80U;
}

struct LeadInfo {
    std::size_t length;
    char32_t initial;
    char32_t minimum; // smallest code point this length may encode (rejects overlongs)
};

bool lead_info(unsigned char lead, LeadInfo& info)
{
    if (lead < 0x80U) {
        info = {1, lead, 0};
    } else if ((lead & 0xE0U) == 0xC0U) {
        info = {2, static_cast<char32_t>(lead & 0x1FU), 0x80};
    } else if ((lead & 0xF0U) == 0xE0U) {
        info = {3, static_cast<char32_t>(lead & 0x0FU), 0x800};
    } else if ((lead & 0xF8U) == 0xF0U) {
        info = {4, static_cast<char32_t>(lead & 0x07U), 0x10000};
    } else {
        return false;
    }
    return true;
}

} // namespace

DecodedCodePoint decode_utf8(std::string_view text, std::size_t pos)
{
    const DecodedCodePoint invalid{static_cast<unsigned char>(text[pos]), 1, false};
    LeadInfo info{};
    if (!lead_info(static_cast<unsigned char>(text[pos]), info)) {
        return invalid;
    }
    if (text.size() - pos < info.length) {
        return invalid;
    }
    char32_t code_point = info.initial;
    for (std::size_t i = 1; i < info.length; ++i) {
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        if (!is_continuation(byte)) {
            return invalid;
        }
        code_point = (code_point << 6U) | (byte & 0x3FU);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < info.minimum || surrogate || code_point > 0x10FFFF) {
        return invalid;
    }
    return {code_point, info.length, true};
}

} // namespace redops::output
