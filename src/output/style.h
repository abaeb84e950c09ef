// Whether to colour output, and ANSI SGR painting when it is on.
#pragma once

#include "output/options.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace redops::output {

enum class Color { none, red, green, yellow, bold, dim };

// auto: only on a terminal and when NO_COLOR is not set (https://no-color.org: set and non-empty);
// always / never override both.
bool colour_enabled(ColorMode mode, bool stdout_is_tty, bool no_color_env_set);

// Columns of the terminal on `fd` (TIOCGWINSZ), else a positive $COLUMNS; 0 when `fd` is no terminal: output
// that goes to a file or a pipe is never shortened.
std::size_t terminal_columns(int fd, const char* columns_env);

// Wraps text in the SGR sequence for `c` and a reset; the text unchanged when disabled or Color::none.
std::string paint(std::string_view text, Color c, bool enabled);

} // namespace redops::output
