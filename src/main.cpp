// redops: parse, dispatch, and map errors to exit codes — nothing else.
#include "cli/app.h"
#include "cli/askpass.h"
#include "cli/error_words.h"
#include "cli/monitor_format.h"
#include "cli/secret_mask.h"
#include "common/error.h"
#include "output/error_document.h"
#include "output/nagios.h"
#include "output/printer.h"
#include "output/text_width.h"
#include "output/write_check.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace {

// CLI11 echoes what it was given, and that may hold a password or control characters: both are made safe.
int report_usage_error(const std::string& raw_message, const redops::cli::SecretMask& mask, bool json, bool nagios)
{
    const std::string message = mask.apply(raw_message);
    if (nagios) { // monitor --check answers a monitoring system: a verdict line even about its own arguments
        redops::cli::CheckVerdict verdict = redops::cli::unknown_verdict(message);
        std::cout << verdict.line << "\n";
        return verdict.exit_code;
    }
    std::cerr << "redops: error: " << redops::output::sanitize_for_terminal(message) << "\n";
    if (json) {
        std::cout << redops::output::error_document("usage", message).dump() << "\n";
    }
    return redops::k_exit_usage;
}

// A monitoring check's failure is a verdict line on stdout (see cli::ErrorStyle), never a bare error.
int report_verdict(redops::output::Printer& printer, const redops::cli::ErrorStyle& style, redops::ErrorKind kind,
                   const std::string& message)
{
    using redops::output::NagiosState;
    bool down = redops::exit_code_for(kind) == redops::k_exit_unavailable;
    NagiosState state = down && style.down_is_critical ? NagiosState::critical : NagiosState::unknown;
    printer.line(redops::output::sanitize_for_terminal(redops::output::nagios_line(style.service, state, message, {})));
    printer.flush();
    return static_cast<int>(state);
}

} // namespace

int main(int argc, char** argv)
{
    using namespace redops;
    // A closed stdout pipe must not kill us mid-command (lock acquire still has a lock to give back).
    output::catch_sigpipe();
    CLI::App app{"redops — admin and diagnostics for the shared Redis layer", "redops"};
    app.fallthrough(); // global options are accepted after the command too
    app.require_subcommand(1);
    app.set_version_flag("--version", cli::version_text);
    app.set_help_flag("--help", "Print this help and exit"); // -h is the host, as in redis-cli
    cli::GlobalOptions globals;
    cli::register_global_options(app, globals);
    cli::Runner selected;
    cli::register_commands(app, selected);

    const config::EnvLookup environment = config::process_environment();
    cli::SecretMask mask(argc, argv, environment);
    const bool wants_json = cli::argv_wants_json(argc, argv);
    const bool wants_nagios = cli::argv_wants_nagios(argc, argv);
    output::OutputOptions output_options;
    try {
        app.parse(argc, argv);
        output_options = cli::output_options(globals);
    } catch (const CLI::Success& e) { // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        if (auto unknown = cli::unknown_command_message(app, argc, argv)) {
            return report_usage_error(*unknown, mask, wants_json, wants_nagios);
        }
        return report_usage_error(e.what(), mask, wants_json, wants_nagios);
    } catch (const Error& e) {
        return report_usage_error(e.what(), mask, wants_json, wants_nagios);
    }

    const char* no_color = std::getenv("NO_COLOR");
    output::Printer printer(output_options, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1,
                            no_color != nullptr && *no_color != '\0');
    printer.set_err_is_tty(::isatty(STDERR_FILENO) == 1);
    printer.set_width(output::terminal_columns(STDOUT_FILENO, std::getenv("COLUMNS")));
    if (const char* after = std::getenv("REDOPS_PROGRESS_AFTER_MS"); after != nullptr && *after != '\0') {
        printer.set_progress_delay(std::chrono::milliseconds(std::strtoll(after, nullptr, 10)));
    }
    cli::Context context(globals.flags, environment, cli::prompt_password, printer,
                         cli::Terminal{std::cin, ::isatty(STDIN_FILENO) == 1, ::isatty(STDOUT_FILENO) == 1});
    try {
        int code = selected(context);
        printer.flush(); // at exit too: output still buffered may be what cannot be written
        return code;
    } catch (const output::OutputError& e) {
        if (e.broken_pipe()) {
            output::die_of_sigpipe(); // the reader went away (`| head -1`): end quietly, as Unix tools do
        }
        printer.error(e);
        return exit_code_for(e.kind());
    } catch (const Error& e) {
        if (const std::string* password = context.loaded_password()) {
            mask.add_secret(*password); // e.g. from the config file
        }
        std::string masked = mask.apply(cli::in_user_words(e)); // the remedy a lower layer names, in flags
        if (cli::ErrorStyle style = selected.style(); !style.service.empty() && e.kind() != ErrorKind::usage) {
            return report_verdict(printer, style, e.kind(), masked);
        }
        // The error itself when nothing was masked or added, so what a subclass carries reaches the printer.
        if (masked == e.what()) {
            printer.error(e);
        } else {
            printer.error(e.reworded(masked));
        }
        return exit_code_for(e.kind());
    } catch (const std::exception& e) {
        std::string message = mask.apply("internal error: " + cli::in_user_words(e));
        if (cli::ErrorStyle style = selected.style(); !style.service.empty()) {
            return report_verdict(printer, style, ErrorKind::data, message);
        }
        printer.error(Error(ErrorKind::data, message));
        return k_exit_data;
    }
}
