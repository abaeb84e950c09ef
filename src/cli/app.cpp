#include "cli/app.h"

#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "common/error.h"
#include "config/limits.h"
#include "config/setting_table.h"

#include <algorithm>
#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <map>
#include <openssl/crypto.h>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#ifndef REDOPS_GIT_REVISION
#define REDOPS_GIT_REVISION "unknown" // set at configure time from `git describe`
#endif

namespace redops::cli {

namespace {

// A setting's flag as the settings table describes it: names, help, FILE/DIR and the range of its values.
template <class T>
CLI::Option* setting_option(CLI::App& app, std::string_view flag, T& target)
{
    const config::SettingRow& row = config::setting_by_flag(flag);
    CLI::Option* option = nullptr;
    if constexpr (std::is_same_v<T, bool>) {
        option = app.add_flag(std::string(row.flag), target, std::string(row.help));
    } else {
        option = app.add_option(std::string(row.flag), target, std::string(row.help));
    }
    if (row.type == config::SettingType::path || row.type == config::SettingType::directory) {
        option->type_name(row.type == config::SettingType::path ? "FILE" : "DIR");
    }
    if (const auto* count = std::get_if<config::CountRange>(&row.range)) {
        option->check(integer_in(*count));
    } else if (const auto* duration = std::get_if<config::DurationRange>(&row.range)) {
        option->check(duration_in(*duration));
    }
    return option;
}

} // namespace

void register_global_options(CLI::App& app, GlobalOptions& g)
{
    auto& f = g.flags;
    const std::string conn = "Connection";
    setting_option(app, "--url", f.url)->group(conn);
    // -h is the host, as in redis-cli (-p, -n, -a, -u follow it too); help is --help only (set in main).
    setting_option(app, "--host", f.host)->group(conn);
    setting_option(app, "--port", f.port)->group(conn);
    // The upper bound is the config file's "databases" (default 16), checked by the loader.
    setting_option(app, "--db", f.db)->check(integer_in({0, config::k_databases_range.max - 1}))->group(conn);
    setting_option(app, "--user", f.user)->group(conn);
    setting_option(app, "--password-file", f.password_file)->group(conn);
    setting_option(app, "--askpass", f.askpass)->group(conn);
    setting_option(app, "--password", f.password)->group(conn);
    setting_option(app, "--connect-timeout", f.connect_timeout)->group(conn);
    setting_option(app, "--timeout", f.timeout)->group(conn);
    setting_option(app, "--max-reply-bytes", f.max_reply_bytes)->group(conn);
    setting_option(app, "--config", f.config_file)->group(conn);
    setting_option(app, "--profile", f.profile)->type_name("PROFILE")->group(conn);

    const std::string tls = "TLS";
    setting_option(app, "--tls", f.tls)->group(tls);
    setting_option(app, "--cacert", f.cacert)->group(tls);
    setting_option(app, "--cacertdir", f.cacertdir)->group(tls);
    // That the files exist and that a certificate comes with its key is checked by the loader, after the config
    // file: either may come from there.
    setting_option(app, "--cert", f.cert)->group(tls);
    setting_option(app, "--key", f.key)->group(tls);
    setting_option(app, "--sni", f.sni)->group(tls);
    setting_option(app, "--insecure", f.insecure)->group(tls);

    const std::string topo = "Topology";
    setting_option(app, "--cluster", f.cluster)->group(topo);
    setting_option(app, "--sentinel", f.sentinels)->group(topo);
    setting_option(app, "--master", f.master)->group(topo);

    const std::string out = "Output";
    app.add_option("-o,--output", g.output, "table or json")->check(CLI::IsMember({"table", "json"}))->group(out);
    app.add_flag("--json", g.json, "Same as -o json")->group(out);
    app.add_option("--color", g.color, "auto, always or never (NO_COLOR is honoured)")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->group(out);
    app.add_flag("--reveal", g.reveal, "Print secrets (tokens, owner tokens, session ids) in full")->group(out);
    app.add_flag("-q,--quiet", g.quiet,
                 "No notes or progress on stderr (warnings and errors still; exit code unchanged)")
        ->group(out);
}

void register_commands(CLI::App& app, Runner& selected)
{
    // The command table: one line per command group.
    register_ping(app, selected);
    register_config(app, selected);
    register_token(app, selected);
    register_dedupe(app, selected);
    register_lock(app, selected);
    register_monitor(app, selected);
    register_ratelimit(app, selected);
    register_sessions(app, selected);
    register_doctor(app, selected);
    register_completion(app, selected);
    add_help_examples(app);
}

void add_help_examples(CLI::App& app)
{
    add_examples(app, {"redops ping",
                       "redops --url rediss://cache:6380 --cacert ca.pem token get --provider genesys --tenant acme",
                       "redops -h 10.0.0.5 -p 6380 monitor --once -o json"});
}

std::string version_text()
{
    return fmt::format("redops {}\nrevision {}\nhiredis {}.{}.{}\n{}", REDOPS_VERSION, REDOPS_GIT_REVISION,
                       HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH, OpenSSL_version(OPENSSL_VERSION));
}

output::OutputOptions output_options(const GlobalOptions& g)
{
    output::OutputOptions options;
    if (g.json && g.output && *g.output != "json") {
        throw Error(ErrorKind::usage, fmt::format("--json contradicts -o {}: give one of them", *g.output));
    }
    options.format = g.json ? output::Format::json : output::parse_format(g.output.value_or("table"));
    options.color = output::parse_color_mode(g.color);
    options.reveal = g.reveal;
    options.quiet = g.quiet;
    return options;
}

namespace {

// Edit distance with the usual one-row table; names are short.
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Whether an option of `app` (or its parents) takes a value in the next word; nullopt for an option none of them
// knows (then where the command word stands cannot be told, and CLI11's own message is kept).
std::optional<bool> takes_next_word(const CLI::App& app, std::string_view arg)
{
    std::string name(arg.substr(0, arg.find('=')));
    if (name.size() > 2 && name[1] != '-') {
        name = name.substr(0, 2); // -p6379: a short option with its value attached
    }
    for (const CLI::App* scope = &app; scope != nullptr; scope = scope->get_parent()) {
        for (const CLI::Option* option : scope->get_options()) {
            if (option->check_name(name)) {
                return option->get_expected_min() > 0 && name.size() == arg.size();
            }
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> unknown_command_message(const CLI::App& app, int argc, const char* const* argv)
{
    const CLI::App* scope = &app;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            return std::nullopt;
        }
        if (arg.size() > 1 && arg.front() == '-') {
            auto takes = takes_next_word(*scope, arg);
            if (!takes) {
                return std::nullopt;
            }
            i += *takes ? 1 : 0;
            continue;
        }
        auto subcommands = scope->get_subcommands([](const CLI::App*) { return true; });
        if (subcommands.empty()) {
            return std::nullopt; // a positional argument of a leaf command
        }
        const CLI::App* found = nullptr;
        std::string nearest;
        std::size_t best = 3; // suggest only a name within two edits
        for (const CLI::App* sub : subcommands) {
            if (sub->check_name(std::string(arg))) {
                found = sub;
                break;
            }
            std::size_t d = edit_distance(arg, sub->get_name());
            if (d < best) {
                best = d;
                nearest = sub->get_name();
            }
        }
        if (found == nullptr) {
            std::string where = scope == &app ? "command" : fmt::format("{} command", scope->get_name());
            std::string message = fmt::format("unknown {} '{}'", where, arg);
            if (!nearest.empty()) {
                message += fmt::format("; did you mean '{}'?", nearest);
            }
            return message + " (see redops --help)";
        }
        scope = found;
    }
    return std::nullopt;
}

bool argv_wants_json(int argc, const char* const* argv)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        if (arg == "--json" || arg == "-ojson" || arg == "--output=json") {
            return true;
        }
        if ((arg == "-o" || arg == "--output") && i + 1 < argc && std::string_view(argv[i + 1]) == "json") {
            return true;
        }
    }
    return false;
}

bool argv_wants_nagios(int argc, const char* const* argv)
{
    // Order-free: a Nagios line is asked for by `monitor --check`, or by `--format nagios` with ping, monitor or
    // doctor, wherever the words stand, so an option misplaced before the command still gets its UNKNOWN verdict.
    bool monitor = false;
    bool ping = false;
    bool doctor = false;
    bool check = false;
    bool nagios_format = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        monitor = monitor || arg == "monitor";
        ping = ping || arg == "ping";
        doctor = doctor || arg == "doctor";
        check = check || arg == "--check";
        nagios_format = nagios_format || arg == "--format=nagios" ||
                        (arg == "--format" && i + 1 < argc && std::string_view(argv[i + 1]) == "nagios");
    }
    return (monitor && check) || ((monitor || ping || doctor) && nagios_format);
}

} // namespace redops::cli
