// How the user asked results to be rendered: -o/--output, --json, --color, --reveal (spec §3).
#pragma once

#include <string_view>

namespace redops::output {

enum class Format { table, json };
enum class ColorMode { auto_mode, always, never };

struct OutputOptions {
    Format format = Format::table;
    ColorMode color = ColorMode::auto_mode;
    bool reveal = false;
    bool quiet = false; // -q/--quiet: no notes or progress on stderr (warnings and errors still print)
};

// "table" | "json"; anything else throws redops::Error(ErrorKind::usage) naming the value.
Format parse_format(std::string_view text);
// "auto" | "always" | "never"; anything else throws redops::Error(ErrorKind::usage) naming the value.
ColorMode parse_color_mode(std::string_view text);

} // namespace redops::output
