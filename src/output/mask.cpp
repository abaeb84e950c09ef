#include "output/mask.h"

#include "output/utf8.h"

#include <fmt/format.h>

#include <vector>

namespace redops::output {
namespace {

constexpr std::size_t k_min_length_to_hint = 16;
constexpr std::size_t k_head_code_points = 4;
constexpr std::size_t k_tail_code_points = 3;
constexpr std::string_view k_ellipsis = "\u2026";

// Byte offsets where each code point (or invalid byte) starts, so the hint never splits a sequence.
std::vector<std::size_t> code_point_starts(std::string_view text)
{
    std::vector<std::size_t> starts;
    for (std::size_t pos = 0; pos < text.size(); pos += decode_utf8(text, pos).length) {
        starts.push_back(pos);
    }
    return starts;
}

} // namespace

std::string mask_secret(std::string_view secret, bool reveal)
{
    if (reveal) {
        return std::string(secret);
    }
    if (secret.empty()) {
        return "(empty)";
    }
    // A 16-byte secret of multibyte characters could have only 4 code points; requiring 16 code points too
    // keeps the hint to at most 7 of 16+ characters.
    const auto starts = code_point_starts(secret);
    if (secret.size() < k_min_length_to_hint || starts.size() < k_min_length_to_hint) {
        return fmt::format("{} ({} chars)", k_ellipsis, secret.size());
    }
    const auto head = secret.substr(0, starts[k_head_code_points]);
    const auto tail = secret.substr(starts[starts.size() - k_tail_code_points]);
    return fmt::format("{}{}{} ({} chars)", head, k_ellipsis, tail, secret.size());
}

} // namespace redops::output
