#include "redis/glob.h"

#include <cstddef>
#include <utility>

namespace redops::redis {
namespace {

// Matches the class starting at pattern[p] ('[' already consumed) against c; sets p past the closing ']'.
bool match_class(std::string_view pattern, std::size_t& p, char c)
{
    bool negate = p < pattern.size() && pattern[p] == '^';
    if (negate) {
        ++p;
    }
    bool matched = false;
    while (p < pattern.size() && pattern[p] != ']') {
        if (pattern[p] == '\\' && p + 1 < pattern.size()) {
            ++p;
            matched = matched || pattern[p] == c;
            ++p;
        } else if (p + 2 < pattern.size() && pattern[p + 1] == '-' && pattern[p + 2] != ']') {
            auto lo = static_cast<unsigned char>(pattern[p]);
            auto hi = static_cast<unsigned char>(pattern[p + 2]);
            if (lo > hi) {
                std::swap(lo, hi);
            }
            auto uc = static_cast<unsigned char>(c);
            matched = matched || (uc >= lo && uc <= hi);
            p += 3;
        } else {
            matched = matched || pattern[p] == c;
            ++p;
        }
    }
    if (p < pattern.size()) {
        ++p; // the closing ']'; an unterminated class ends with the pattern, as in Redis
    }
    return matched != negate;
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text)
{
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star_p = std::string_view::npos; // pattern position after the last '*'
    std::size_t star_t = 0;                      // text position that '*' is currently extended to
    while (t < text.size()) {
        bool advanced = false;
        if (p < pattern.size()) {
            char pc = pattern[p];
            if (pc == '*') {
                while (p < pattern.size() && pattern[p] == '*') {
                    ++p;
                }
                star_p = p;
                star_t = t;
                continue;
            }
            std::size_t next = p + 1;
            bool ok = false;
            if (pc == '?') {
                ok = true;
            } else if (pc == '[') {
                ok = match_class(pattern, next, text[t]);
            } else if (pc == '\\' && p + 1 < pattern.size()) {
                ok = pattern[p + 1] == text[t];
                next = p + 2;
            } else {
                ok = pc == text[t];
            }
            if (ok) {
                p = next;
                ++t;
                advanced = true;
            }
        }
        if (!advanced) {
            if (star_p == std::string_view::npos) {
                return false;
            }
            p = star_p;
            t = ++star_t;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

} // namespace redops::redis
