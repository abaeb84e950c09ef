// Terminal column width of UTF-8 text and neutralising of untrusted text before it reaches a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace redops::output {

// Columns the text occupies: wide (CJK, Hangul, fullwidth, emoji) count 2, combining and zero-width
// characters 0, each invalid byte 1, ANSI SGR sequences ("\x1b[...m") and other control characters 0.
std::size_t display_width(std::string_view utf8);

// Replaces every byte or character that could drive a terminal by a visible escape: C0 controls, DEL and
// invalid bytes as "\xHH" ("\n", "\r", "\t" for those three), C1 controls, bidi overrides and line
// separators as "\uHHHH". Backslashes are kept as they are, so glob patterns stay readable.
std::string sanitize_for_terminal(std::string_view text);

} // namespace redops::output
