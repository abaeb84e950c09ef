#include "cli/nagios_options.h"

#include "common/error.h"

#include <fmt/format.h>

namespace redops::cli {

CLI::Option* add_threshold(CLI::App& app, const std::string& name, std::optional<output::NagiosRange>& target,
                           const std::string& help)
{
    CLI::Validator range_syntax(
        [](std::string& input) -> std::string {
            if (output::parse_nagios_range(input)) {
                return {};
            }
            return fmt::format("\"{}\" is not a threshold range (N, N:, ~:N, N:M or @N:M)", input);
        },
        "RANGE");
    return app
        .add_option_function<std::string>(
            name, [&target](const std::string& text) { target = output::parse_nagios_range(text); }, help)
        ->check(range_syntax);
}

void check_threshold_order(const std::optional<output::NagiosRange>& warn,
                           const std::optional<output::NagiosRange>& crit, const std::string& warn_flag,
                           const std::string& crit_flag)
{
    auto upper_bound = [](const output::NagiosRange& r) {
        return !r.inside && r.start && *r.start == 0 && r.end.has_value();
    };
    if (warn && crit && upper_bound(*warn) && upper_bound(*crit) && *warn->end > *crit->end) {
        throw Error(ErrorKind::usage, fmt::format("{} {} is above {} {}: a warning must come before the critical level",
                                                  warn_flag, warn->text, crit_flag, crit->text));
    }
}

} // namespace redops::cli
