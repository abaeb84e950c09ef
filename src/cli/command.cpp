#include "cli/command.h"

#include "config/duration.h"

#include <functional>

namespace redops::cli {

CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& help)
{
    CLI::App* group = parent.add_subcommand(name, help);
    group->require_subcommand(1);
    return group;
}

void add_examples(CLI::App& app, std::initializer_list<std::string> examples)
{
    std::string footer = "Examples:";
    for (const auto& example : examples) {
        footer += "\n  " + example;
    }
    app.footer(footer);
}

namespace {

CLI::Option* add_duration_to(CLI::App& app, const std::string& name, std::function<void(std::chrono::milliseconds)> set,
                             const std::string& help, config::DurationRange range)
{
    return app
        .add_option_function<std::string>(
            name, [set = std::move(set)](const std::string& text) { set(config::parse_duration(text)); }, help)
        ->check(duration_in(range))
        ->type_name("DURATION");
}

} // namespace

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& target,
                          const std::string& help, config::DurationRange range)
{
    return add_duration_to(
        app, name, [&target](std::chrono::milliseconds d) { target = d; }, help, range);
}

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                          const std::string& help, config::DurationRange range)
{
    return add_duration_to(
        app, name, [&target](std::chrono::milliseconds d) { target = d; }, help, range);
}

CLI::Option* add_yes(CLI::App& app, bool& yes, const std::string& help)
{
    return app.add_flag("-y,--yes", yes, help);
}

CLI::Option* add_dry_run(CLI::App& app, bool& dry_run, const std::string& help)
{
    return app.add_flag("--dry-run", dry_run, help);
}

} // namespace redops::cli
