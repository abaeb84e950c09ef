// Threshold flags in the Nagios range syntax (ping --warn/--crit, monitor --warn-*/--crit-*), refused while parsing.
#pragma once

#include "output/nagios.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace redops::cli {

// Adds `name` RANGE to `app`: a value that is not a range fails the parse (exit 2, or UNKNOWN under Nagios).
CLI::Option* add_threshold(CLI::App& app, const std::string& name, std::optional<output::NagiosRange>& target,
                           const std::string& help);

// A warning threshold that can never be reached before the critical one, when both are plain upper bounds
// ("--warn 20 --crit 10"): a typo, refused as a usage error naming both flags.
void check_threshold_order(const std::optional<output::NagiosRange>& warn,
                           const std::optional<output::NagiosRange>& crit, const std::string& warn_flag,
                           const std::string& crit_flag);

} // namespace redops::cli
