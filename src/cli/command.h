// One way to declare a command: a group, then one subcommand per options struct, registered with one call.
// A command file holds its options structs, its run functions (options -> repository -> view) and one
// register function that declares them; app.cpp's command table calls that function.
#pragma once

#include "cli/app.h"
#include "cli/checks.h"
#include "config/limits.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

namespace redops::cli {

// A declared subcommand: its CLI11 app, to add options to, and the options struct they fill.
template <class Options>
struct Declared {
    CLI::App* app;
    Options& options;
};

// `redops NAME SUBCOMMAND ...`: a group that needs exactly one subcommand.
CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& help);

// Adds the subcommand `name`, with a fresh Options struct of its own. When the parser chooses the subcommand,
// `run(options, context)` becomes the runner main calls, and `style(options)`, when given, says how main
// reports its failures (see ErrorStyle; by default the usual error report).
template <class Options>
Declared<Options> add_command(CLI::App& parent, Runner& selected, const std::string& name, const std::string& help,
                              int (*run)(const Options&, Context&), ErrorStyle (*style)(const Options&) = nullptr)
{
    auto options = std::make_shared<Options>();
    CLI::App* sub = parent.add_subcommand(name, help);
    sub->callback([options, run, style, &selected] {
        selected.run = [options, run](Context& ctx) { return run(*options, ctx); };
        if (style != nullptr) {
            selected.error_style = [options, style] { return style(*options); };
        }
    });
    return {sub, *options};
}

// Ends the command's --help with its examples, one command line each.
void add_examples(CLI::App& app, std::initializer_list<std::string> examples);

// A duration flag ("250ms", "30s", "1d"), checked against `range` and parsed while parsing: a bad one fails
// with exit 2 before anything connects.
CLI::Option* add_duration(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& target,
                          const std::string& help, config::DurationRange range);
// The same for a duration with a default: `target` holds it until the flag is given.
CLI::Option* add_duration(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                          const std::string& help, config::DurationRange range);

// The option sets commands share, declared once.
CLI::Option* add_yes(CLI::App& app, bool& yes, const std::string& help);
CLI::Option* add_dry_run(CLI::App& app, bool& dry_run, const std::string& help);

} // namespace redops::cli
