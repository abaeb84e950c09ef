#include "output/options.h"

#include "common/error.h"
#include "output/text_width.h"

#include <fmt/format.h>

namespace redops::output {

Format parse_format(std::string_view text)
{
    if (text == "table") {
        return Format::table;
    }
    if (text == "json") {
        return Format::json;
    }
    throw Error(ErrorKind::usage,
                fmt::format("invalid output format '{}' (expected table or json)", sanitize_for_terminal(text)));
}

ColorMode parse_color_mode(std::string_view text)
{
    if (text == "auto") {
        return ColorMode::auto_mode;
    }
    if (text == "always") {
        return ColorMode::always;
    }
    if (text == "never") {
        return ColorMode::never;
    }
    throw Error(ErrorKind::usage,
                fmt::format("invalid colour mode '{}' (expected auto, always or never)", sanitize_for_terminal(text)));
}

} // namespace redops::output
