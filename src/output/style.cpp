#include "output/style.h"

#include <fmt/format.h>

namespace redops::output {
namespace {

std::string_view sgr_code(Color c)
{
    switch (c) {
    case Color::none: return "";
    case Color::red: return "31";
    case Color::green: return "32";
    case Color::yellow: return "33";
    case Color::bold: return "1";
    case Color::dim: return "2";
    }
    return "";
}

} // namespace

bool colour_enabled(ColorMode mode, bool stdout_is_tty, bool no_color_env_set)
{
    switch (mode) {
    case ColorMode::always: return true;
    case ColorMode::never: return false;
    case ColorMode::auto_mode: return stdout_is_tty && !no_color_env_set;
    }
    return false;
}

std::string paint(std::string_view text, Color c, bool enabled)
{
    if (!enabled || c == Color::none) {
        return std::string(text);
    }
    return fmt::format("\x1b[{}m{}\x1b[0m", sgr_code(c), text);
}

} // namespace redops::output
