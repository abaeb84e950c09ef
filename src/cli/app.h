// Builds the command line: global options (accepted before or after the command) and the command table.
#pragma once

#include "cli/context.h"
#include "config/loader.h"
#include "output/options.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

namespace redops::cli {

struct GlobalOptions {
    config::FlagValues flags;
    std::optional<std::string> output; // -o: table (default) or json
    bool json = false;
    std::string color = "auto";
    bool reveal = false;
    bool quiet = false;
};

// The selected command, set by its subcommand's parse callback and run by main.
using Runner = std::function<int(Context&)>;

void register_global_options(CLI::App& app, GlobalOptions& globals);
void register_commands(CLI::App& app, Runner& selected);
// Ends each command's --help with its examples (called by register_commands; a table by command path).
void add_help_examples(CLI::App& app);
// What --version prints: the version, the git revision built from, and the hiredis and OpenSSL versions.
std::string version_text();
// Throws Error(usage) for a bad -o/--color value.
output::OutputOptions output_options(const GlobalOptions& globals);
// Whether argv asks for JSON, read without the parser, so a parse error can still be reported as JSON.
bool argv_wants_json(int argc, const char* const* argv);
// "unknown command 'pign'; did you mean 'ping'?" when a command word of argv names no command; nullopt otherwise.
std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv);
// Whether argv is `monitor --check` or `ping --format nagios`, read without the parser, so a parse error can
// still be a Nagios verdict.
bool argv_wants_nagios(int argc, const char* const* argv);

} // namespace redops::cli
