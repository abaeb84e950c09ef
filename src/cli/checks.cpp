#include "cli/checks.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fmt/format.h>

namespace redops::cli {

CLI::Validator integer_in(config::CountRange range)
{
    return CLI::Validator(
        [range](std::string& input) -> std::string {
            long long value = 0;
            const char* end = input.data() + input.size();
            auto [ptr, ec] = std::from_chars(input.data(), end, value);
            if (input.empty() || ec == std::errc::invalid_argument || ptr != end) {
                return fmt::format("\"{}\" is not a whole number ({})", input, config::describe(range));
            }
            if (ec == std::errc::result_out_of_range) {
                return fmt::format("{} is out of range ({})", input, config::describe(range));
            }
            return config::out_of_range(value, range);
        },
        fmt::format("INT in {}", config::describe(range)));
}

CLI::Validator number_in(config::NumberRange range)
{
    return CLI::Validator(
        [range](std::string& input) -> std::string {
            errno = 0;
            char* end = nullptr;
            double value = std::strtod(input.c_str(), &end);
            if (input.empty() || end != input.c_str() + input.size()) {
                return fmt::format("\"{}\" is not a number ({})", input, config::describe(range));
            }
            if (errno == ERANGE) {
                return fmt::format("{} is out of range ({})", input, config::describe(range));
            }
            return config::out_of_range(value, range);
        },
        fmt::format("NUMBER in {}", config::describe(range)));
}

CLI::Validator duration_in(config::DurationRange range)
{
    return CLI::Validator([range](std::string& input) { return config::bad_duration(input, range); },
                          fmt::format("DURATION in {}", config::describe(range)));
}

} // namespace redops::cli
