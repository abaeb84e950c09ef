#include "cli/command.h"

#include "config/duration.h"

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

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& target,
                          const std::string& help, config::DurationRange range)
{
    return app
        .add_option_function<std::string>(
            name, [&target](const std::string& text) { target = config::parse_duration(text); }, help)
        ->check(duration_in(range))
        ->type_name("DURATION");
}

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                          const std::string& help, config::DurationRange range)
{
    return app
        .add_option_function<std::string>(
            name, [&target](const std::string& text) { target = config::parse_duration(text); }, help)
        ->check(duration_in(range))
        ->type_name("DURATION");
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
