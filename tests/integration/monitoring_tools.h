// The monitoring systems' own parsers, run on redops' output: promtool for the Prometheus text, the
// monitoring-plugins Perl library for Nagios lines (tests/integration/nagios_parse.pl).
#pragma once

#include "process.h"

#include <optional>
#include <string>

namespace redops::test {

// promtool from REDOPS_PROMTOOL or PATH (scripts/test extracts it from Debian's prometheus package).
std::optional<std::string> promtool_path();
// `promtool check metrics` on the text: REQUIREs it passes. Without promtool the check FAILS under CI (CI set)
// and otherwise WARNs loudly and is skipped, so a developer's run without it still says what it did not check.
void check_with_promtool(const std::string& exposition);

// nagios_parse.pl `mode` with `input` on stdin.
ProcessResult nagios_parse(const std::string& mode, const std::string& input);

} // namespace redops::test
