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

// How the chosen command's failures are reported. Most commands report an error as usual (a line on stderr,
// and the JSON error document with -o json). A monitoring check answers every failure with a verdict line
// instead: `service` names it ("REDIS"); a server that cannot be reached is CRITICAL when `down_is_critical`
// (the check is about that), UNKNOWN otherwise, and every other failure is UNKNOWN. A usage error found while
// running (contradicting options, such as --warn above --crit) is still reported the usual way, with exit 2.
struct ErrorStyle {
    std::string service; // empty: the usual error report
    bool down_is_critical = false;
};

// The selected command, set by its subcommand's parse callback and run by main, and how its errors are
// reported (main's single catch asks; a function, because it can depend on the options, e.g. --format).
struct Runner {
    std::function<int(Context&)> run;
    std::function<ErrorStyle()> error_style;

    int operator()(Context& ctx) const { return run(ctx); }
    ErrorStyle style() const { return error_style ? error_style() : ErrorStyle{}; }
};

void register_global_options(CLI::App& app, GlobalOptions& globals);
void register_commands(CLI::App& app, Runner& selected);
// Ends `redops --help` with its examples (each command declares its own; see command.h).
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
