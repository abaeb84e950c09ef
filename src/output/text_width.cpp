#include "output/text_width.h"

#include "output/utf8.h"

#include <fmt/format.h>

#include <utf8proc.h>

#include <cstdint>
#include <vector>

namespace redops::output {
namespace {

bool is_control(char32_t code_point)
{
    return code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0);
}

// utf8proc's Unicode tables (East Asian Width, emoji presentation, combining marks and format characters at 0),
// with what terminals (glibc wcwidth, VTE) do differently: a spacing combining mark (Mc, e.g. Tamil vowel sign
// U+0BBF) takes a cell of its own, and Hangul Jamo vowels and finals (U+1160-11FF, U+D7B0-D7FF) join the syllable
// before them. Space to '~': one column each, never a control or an invisible hazard (the fast path of both functions
// below; a token listing spends a quarter of its client CPU here otherwise).
bool is_printable_ascii(char c)
{
    return c >= 0x20 && c < 0x7F;
}

std::size_t code_point_width(char32_t code_point)
{
    if (is_control(code_point)) {
        return 0;
    }
    const auto cp = static_cast<utf8proc_int32_t>(code_point);
    if ((code_point >= 0x1160 && code_point <= 0x11FF) || (code_point >= 0xD7B0 && code_point <= 0xD7FF)) {
        return 0;
    }
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MC) {
        return 1;
    }
    const int width = utf8proc_charwidth(cp);
    return width > 0 ? static_cast<std::size_t>(width) : 0;
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
        if (is_printable_ascii(utf8[pos])) {
            ++width; // the common case, without decoding or a Unicode table look-up
            ++pos;
            continue;
        }
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

std::string shorten_middle(std::string_view text, std::size_t width)
{
    if (display_width(text) <= width) {
        return std::string(text);
    }
    if (width == 0) {
        return {};
    }
    // Clusters: a character with the zero-width characters after it, so no mark is cut from its base.
    struct Cluster {
        std::size_t begin;
        std::size_t end;
        std::size_t width;
    };
    std::vector<Cluster> clusters;
    for (std::size_t pos = 0; pos < text.size();) {
        const auto decoded = decode_utf8(text, pos);
        const std::size_t w = decoded.valid ? code_point_width(decoded.code_point) : 1;
        if (w == 0 && !clusters.empty()) {
            clusters.back().end = pos + decoded.length;
        } else {
            clusters.push_back({pos, pos + decoded.length, w});
        }
        pos += decoded.length;
    }
    const std::size_t room = width - 1; // the ellipsis takes one column
    std::size_t head_room = (room + 1) / 2;
    std::size_t head_end = 0;
    std::size_t used = 0;
    std::size_t first_tail = clusters.size();
    for (std::size_t i = 0; i < clusters.size() && used + clusters[i].width <= head_room; ++i) {
        used += clusters[i].width;
        head_end = i + 1;
    }
    std::size_t tail_room = room - used;
    used = 0;
    while (first_tail > head_end && used + clusters[first_tail - 1].width <= tail_room) {
        used += clusters[first_tail - 1].width;
        --first_tail;
    }
    std::string out(text.substr(0, head_end == 0 ? 0 : clusters[head_end - 1].end));
    out += "…";
    if (first_tail < clusters.size()) {
        out.append(text.substr(clusters[first_tail].begin));
    }
    return out;
}

std::string sanitize_for_terminal(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (is_printable_ascii(text[pos])) {
            out.push_back(text[pos]); // the common case: kept as is, without decoding
            ++pos;
            continue;
        }
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
