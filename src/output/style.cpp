#include "output/style.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

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

std::size_t terminal_columns(int fd, const char* columns_env)
{
    if (::isatty(fd) != 1) {
        return 0;
    }
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    if (columns_env != nullptr) {
        char* end = nullptr;
        const long value = std::strtol(columns_env, &end, 10);
        if (end != columns_env && *end == '\0' && value > 0 && value < 100'000) {
            return static_cast<std::size_t>(value);
        }
    }
    return 0;
}

} // namespace redops::output
