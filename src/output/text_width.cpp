#include "output/text_width.h"

#include "output/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

namespace redops::output {
namespace {

struct Range {
    char32_t first;
    char32_t last;
};

// Combining marks, format characters and variation selectors: they draw on the previous cell.
constexpr std::array k_zero_width{
    Range{0x0300, 0x036F},   Range{0x0483, 0x0489},   Range{0x0591, 0x05BD},   Range{0x05BF, 0x05BF},
    Range{0x05C1, 0x05C2},   Range{0x05C4, 0x05C5},   Range{0x05C7, 0x05C7},   Range{0x0610, 0x061A},
    Range{0x061C, 0x061C},   Range{0x064B, 0x065F},   Range{0x0670, 0x0670},   Range{0x06D6, 0x06DC},
    Range{0x06DF, 0x06E4},   Range{0x06E7, 0x06E8},   Range{0x06EA, 0x06ED},   Range{0x0711, 0x0711},
    Range{0x0730, 0x074A},   Range{0x07A6, 0x07B0},   Range{0x0900, 0x0902},   Range{0x093A, 0x093A},
    Range{0x093C, 0x093C},   Range{0x0941, 0x0948},   Range{0x094D, 0x094D},   Range{0x0951, 0x0957},
    Range{0x0962, 0x0963},   Range{0x0E31, 0x0E31},   Range{0x0E34, 0x0E3A},   Range{0x0E47, 0x0E4E},
    Range{0x1160, 0x11FF},   Range{0x1AB0, 0x1AFF},   Range{0x1DC0, 0x1DFF},   Range{0x200B, 0x200F},
    Range{0x202A, 0x202E},   Range{0x2060, 0x2064},   Range{0x2066, 0x206F},   Range{0x20D0, 0x20FF},
    Range{0x302A, 0x302D},   Range{0x3099, 0x309A},   Range{0xFE00, 0xFE0F},   Range{0xFE20, 0xFE2F},
    Range{0xFEFF, 0xFEFF},   Range{0x1F3FB, 0x1F3FF}, Range{0xE0001, 0xE007F}, Range{0xE0100, 0xE01EF},
};

// East Asian Wide and Fullwidth, plus the emoji that terminals draw in two cells.
constexpr std::array k_wide{
    Range{0x1100, 0x115F},   Range{0x231A, 0x231B},   Range{0x2329, 0x232A},   Range{0x23E9, 0x23EC},
    Range{0x23F0, 0x23F0},   Range{0x23F3, 0x23F3},   Range{0x25FD, 0x25FE},   Range{0x2614, 0x2615},
    Range{0x2648, 0x2653},   Range{0x267F, 0x267F},   Range{0x2693, 0x2693},   Range{0x26A1, 0x26A1},
    Range{0x26AA, 0x26AB},   Range{0x26BD, 0x26BE},   Range{0x26C4, 0x26C5},   Range{0x26CE, 0x26CE},
    Range{0x26D4, 0x26D4},   Range{0x26EA, 0x26EA},   Range{0x26F2, 0x26F3},   Range{0x26F5, 0x26F5},
    Range{0x26FA, 0x26FA},   Range{0x26FD, 0x26FD},   Range{0x2705, 0x2705},   Range{0x270A, 0x270B},
    Range{0x2728, 0x2728},   Range{0x274C, 0x274C},   Range{0x274E, 0x274E},   Range{0x2753, 0x2755},
    Range{0x2757, 0x2757},   Range{0x2795, 0x2797},   Range{0x27B0, 0x27B0},   Range{0x27BF, 0x27BF},
    Range{0x2B1B, 0x2B1C},   Range{0x2B50, 0x2B50},   Range{0x2B55, 0x2B55},   Range{0x2E80, 0x3029},
    Range{0x302E, 0x303E},   Range{0x3041, 0x3098},   Range{0x309B, 0x33FF},   Range{0x3400, 0x4DBF},
    Range{0x4E00, 0x9FFF},   Range{0xA000, 0xA4CF},   Range{0xA960, 0xA97F},   Range{0xAC00, 0xD7A3},
    Range{0xF900, 0xFAFF},   Range{0xFE10, 0xFE19},   Range{0xFE30, 0xFE6F},   Range{0xFF00, 0xFF60},
    Range{0xFFE0, 0xFFE6},   Range{0x16FE0, 0x16FE4}, Range{0x17000, 0x18AFF}, Range{0x1B000, 0x1B2FF},
    Range{0x1F004, 0x1F004}, Range{0x1F0CF, 0x1F0CF}, Range{0x1F18E, 0x1F18E}, Range{0x1F191, 0x1F19A},
    Range{0x1F200, 0x1F202}, Range{0x1F210, 0x1F23B}, Range{0x1F240, 0x1F248}, Range{0x1F250, 0x1F251},
    Range{0x1F260, 0x1F265}, Range{0x1F300, 0x1F3FA}, Range{0x1F400, 0x1F64F}, Range{0x1F680, 0x1F6FF},
    Range{0x1F7E0, 0x1F7EB}, Range{0x1F90C, 0x1F9FF}, Range{0x1FA70, 0x1FAFF}, Range{0x20000, 0x2FFFD},
    Range{0x30000, 0x3FFFD},
};

template <std::size_t N>
bool in_ranges(const std::array<Range, N>& ranges, char32_t code_point)
{
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), code_point,
                                     [](char32_t value, const Range& range) { return value < range.first; });
    return it != ranges.begin() && code_point <= std::prev(it)->last;
}

bool is_control(char32_t code_point)
{
    return code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0);
}

std::size_t code_point_width(char32_t code_point)
{
    if (is_control(code_point) || in_ranges(k_zero_width, code_point)) {
        return 0;
    }
    return in_ranges(k_wide, code_point) ? 2 : 1;
}

// Length of an SGR sequence "\x1b[<digits and ;>m" starting at pos, or 0 when there is none.
std::size_t sgr_length(std::string_view text, std::size_t pos)
{
    if (text.substr(pos, 2) != "\x1b[") {
        return 0;
    }
    for (std::size_t i = pos + 2; i < text.size(); ++i) {
        const char c = text[i];
        if (c == 'm') {
            return i - pos + 1;
        }
        if ((c < '0' || c > '9') && c != ';') {
            return 0;
        }
    }
    return 0;
}

// Characters that are printable by width but still reorder or break lines on a terminal.
bool is_invisible_hazard(char32_t code_point)
{
    return (code_point >= 0x202A && code_point <= 0x202E) || (code_point >= 0x2066 && code_point <= 0x2069) ||
           code_point == 0x2028 || code_point == 0x2029 || code_point == 0x200E || code_point == 0x200F;
}

void append_escape(std::string& out, unsigned char byte)
{
    switch (byte) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: out += fmt::format("\\x{:02x}", byte); break;
    }
}

} // namespace

std::size_t display_width(std::string_view utf8)
{
    std::size_t width = 0;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        if (const auto sgr = sgr_length(utf8, pos); sgr > 0) {
            pos += sgr;
            continue;
        }
        const auto decoded = decode_utf8(utf8, pos);
        width += decoded.valid ? code_point_width(decoded.code_point) : 1;
        pos += decoded.length;
    }
    return width;
}

std::string sanitize_for_terminal(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto decoded = decode_utf8(text, pos);
        if (!decoded.valid || decoded.code_point < 0x20 || decoded.code_point == 0x7F) {
            append_escape(out, static_cast<unsigned char>(text[pos]));
        } else if (is_control(decoded.code_point) || is_invisible_hazard(decoded.code_point)) {
            out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(decoded.code_point));
        } else {
            out.append(text.substr(pos, decoded.length));
        }
        pos += decoded.length;
    }
    return out;
}

} // namespace redops::output
