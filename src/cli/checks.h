// CLI11 validators for the ranges of config/limits.h, so an out-of-range flag fails while parsing (exit 2).
#pragma once

#include "config/limits.h"

#include <CLI/CLI.hpp>

namespace redops::cli {

// A whole number inside the range; the message names the value and the range.
CLI::Validator integer_in(config::CountRange range);
// A finite number inside the range (NaN and inf refused).
CLI::Validator number_in(config::NumberRange range);
// A duration ("250ms", "2s", "1d") inside the range.
CLI::Validator duration_in(config::DurationRange range);

} // namespace redops::cli
