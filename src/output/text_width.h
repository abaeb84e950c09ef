// Terminal column width of UTF-8 text and neutralising of untrusted text before it reaches a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace redops::output {

// Columns the text occupies, from utf8proc's Unicode tables: wide (CJK, Hangul, fullwidth, emoji) count 2,
// combining and zero-width characters 0, each invalid byte 1, ANSI SGR sequences ("\x1b[...m") and other
// control characters 0.
std::size_t display_width(std::string_view utf8);

// The text shortened in the middle to at most `width` columns, an ellipsis ("…") where the middle was:
// "auth:token:genesys:tenant-0042" at 16 is "auth:tok…nt-0042". Text that fits is returned as is; a combining mark
// stays with its base character. Expects text without control characters (sanitize_for_terminal first).
std::string shorten_middle(std::string_view text, std::size_t width);

// Replaces every byte or character that could drive a terminal by a visible escape: C0 controls, DEL and
// invalid bytes as "\xHH" ("\n", "\r", "\t" for those three), C1 controls, bidi overrides and line
// separators as "\uHHHH". Backslashes are kept as they are, so glob patterns stay readable.
std::string sanitize_for_terminal(std::string_view text);

} // namespace redops::output
