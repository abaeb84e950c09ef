// `redops doctor`: audit the whole layer in one SCAN pass, and with --fix repair what is safe to repair.
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/doctor_view.h"
#include "cli/error_words.h"
#include "common/error.h"
#include "config/duration.h"
#include "repo/doctor_repair.h"
#include "repo/doctor_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace redops::cli {

namespace {

const std::vector<std::string>& known_kinds()
{
    static const std::vector<std::string> kinds{"token", "lock", "dedupe", "ratelimit", "session", "user_index", "other"};
    return kinds;
}

struct DoctorOptions {
    std::vector<std::string> kinds;
    bool fix = false;
    bool yes = false;
    bool dry_run = false;
    bool delete_malformed = false;
    long long examples = 3;
    long long big_key_bytes = 1024 * 1024;
    long long sample = 5;
    std::string max_lock_ttl = "1h";
    std::optional<std::string> window;
    std::string format = "default";
    std::optional<long long> warn;
    std::optional<long long> crit;
};

void validate(const DoctorOptions& o)
{
    for (const auto& kind : o.kinds) {
        if (std::find(known_kinds().begin(), known_kinds().end(), kind) == known_kinds().end()) {
            throw Error(ErrorKind::usage, fmt::format("unknown kind \"{}\" in --kinds (use {})", kind,
                                                      fmt::join(known_kinds(), ", ")));
        }
    }
    if (o.delete_malformed && !o.fix) {
        throw Error(ErrorKind::usage, "--delete-malformed is a repair: give it with --fix");
    }
    if (o.yes && !o.fix) {
        throw Error(ErrorKind::usage, "--yes confirms repairs: give it with --fix");
    }
    if (o.format != "default" && o.format != "nagios" && o.format != "prometheus") {
        throw Error(ErrorKind::usage, fmt::format("unknown --format \"{}\" (use nagios or prometheus)", o.format));
    }
    if ((o.warn || o.crit) && o.format != "nagios") {
        throw Error(ErrorKind::usage, "--warn and --crit are thresholds of --format nagios");
    }
    if (o.warn && o.crit && *o.warn > *o.crit) {
        throw Error(ErrorKind::usage, fmt::format("--warn {} is above --crit {}", *o.warn, *o.crit));
    }
    if (o.format != "default" && o.fix && !o.dry_run) {
        throw Error(ErrorKind::usage, fmt::format("--format {} only reports: run --fix without it", o.format));
    }
}

repo::DoctorOptions scan_options(const DoctorOptions& o, const config::Settings& s)
{
    repo::DoctorOptions options;
    options.kinds = o.kinds;
    options.scan_count = s.defaults.scan_count.value;
    options.examples = static_cast<std::size_t>(o.examples);
    options.big_key_bytes = o.big_key_bytes;
    options.memory_samples = o.sample;
    options.max_lock_ttl = config::parse_duration(o.max_lock_ttl);
    options.token_safety_buffer_ms = s.defaults.token_safety_buffer_s.value * 1000;
    options.lock_ttl = s.defaults.lock_ttl.value;
    options.dedupe_ttl = std::chrono::seconds(s.defaults.dedupe_ttl_s.value);
    options.session_ttl = s.defaults.session_ttl.value;
    options.session_remember_ttl = s.defaults.session_remember_ttl.value;
    options.ratelimit_window = o.window ? config::parse_duration(*o.window) : std::chrono::milliseconds{0};
    options.plan_repairs = o.fix || o.dry_run;
    options.delete_malformed = o.delete_malformed;
    return options;
}

std::string target_of(const repo::DoctorReport& report)
{
    std::vector<std::string> nodes;
    for (const auto& [node, scanned] : report.per_node) {
        nodes.push_back(node);
    }
    return fmt::format("{}", fmt::join(nodes, ", "));
}

// Asks on a TTY (after showing the findings); refuses off a TTY without --yes. Nothing is written either way.
void require_confirmation(Context& ctx, const DoctorOptions& o, const repo::DoctorReport& report)
{
    if (o.yes) {
        return;
    }
    const std::string what = fmt::format("{} repair{} ({}) on {}", report.repairs.size(),
                                         report.repairs.size() == 1 ? "" : "s", planned_summary(report),
                                         target_of(report));
    if (!ctx.terminal().stdin_is_tty) {
        throw Error(ErrorKind::usage,
                    fmt::format("doctor --fix needs --yes when stdin is not a terminal; would apply {}; nothing changed",
                                what));
    }
    if (!ctx.printer().json()) {
        print_doctor_table(DoctorView{report, FixMode::dry_run, std::nullopt, 0, {}}, ctx.printer());
        ctx.printer().flush();
    }
    if (!ctx.confirm(fmt::format("apply {}?", what), false)) {
        throw Error(ErrorKind::usage, "not confirmed; nothing changed");
    }
}

int nagios_state(const DoctorOptions& o, long long findings)
{
    if (o.crit && findings > *o.crit) {
        return 2;
    }
    return findings > o.warn.value_or(0) ? 1 : 0;
}

int run_doctor(const DoctorOptions& o, Context& ctx)
{
    validate(o);
    auto& printer = ctx.printer();
    const auto& settings = ctx.settings();
    const repo::DoctorOptions options = scan_options(o, settings);
    if (o.format == "nagios") {
        try {
            repo::DoctorReport report = repo::doctor_scan(ctx.client(), settings.keys, options);
            int state = nagios_state(o, report.findings());
            printer.line(doctor_nagios(DoctorView{report, FixMode::none, std::nullopt, state, {}}, state,
                                       o.warn.value_or(0), o.crit));
            return state;
        } catch (const Error& e) {
            printer.line(fmt::format("REDOPS DOCTOR UNKNOWN - {}", in_user_words(e)));
            return 3;
        }
    }
    repo::DoctorReport report = repo::doctor_scan(ctx.client(), settings.keys, options);
    DoctorView view{report, o.fix || o.dry_run ? FixMode::dry_run : FixMode::none, std::nullopt, 0, {}};
    long long repaired = 0;
    if (o.fix && !o.dry_run && !report.repairs.empty()) {
        require_confirmation(ctx, o, report);
        view.repairs = repo::apply_repairs(ctx.client(), report.repairs);
        view.fix = FixMode::applied;
        long long failed = 0;
        std::string first_error;
        for (const auto& outcome : *view.repairs) {
            repaired += outcome.applied;
            failed += outcome.failed;
            if (first_error.empty() && !outcome.errors.empty()) {
                first_error = outcome.errors.front();
            }
        }
        if (failed > 0) {
            view.error = fmt::format("{} repair{} failed: {}", failed, failed == 1 ? "" : "s", first_error);
        }
    }
    view.exit_code = !view.error.empty() ? k_exit_data : report.findings() > repaired ? k_exit_negative : k_exit_ok;
    if (o.format == "prometheus") {
        printer.out() << doctor_prometheus(view);
    } else if (printer.json()) {
        printer.json_document(doctor_json(view, printer));
    } else {
        print_doctor_table(view, printer);
        if (view.fix == FixMode::dry_run) {
            printer.note(fmt::format("dry run: {} repair{} would be applied; nothing changed", report.repairs.size(),
                                     report.repairs.size() == 1 ? "" : "s"));
        }
        if (!view.error.empty()) {
            printer.warn(view.error);
        }
    }
    if (report.repairs_over_limit > 0) {
        printer.warn(fmt::format("{} further repairs were over the limit of {} per run; run doctor again",
                                 report.repairs_over_limit, repo::DoctorReport::k_max_repairs));
    }
    return view.exit_code;
}

} // namespace

void register_doctor(CLI::App& app, Runner& selected)
{
    auto o = std::make_shared<DoctorOptions>();
    CLI::App* sub = app.add_subcommand("doctor", "Audit every key of the layer in one SCAN pass; --fix repairs safely");
    sub->add_option("--kinds", o->kinds,
                    "Only these kinds, comma-separated: token,lock,dedupe,ratelimit,session,user_index,other")
        ->delimiter(',');
    sub->add_flag("--fix", o->fix, "Repair the fixable findings (asks on a terminal; --yes otherwise)");
    sub->add_flag("-y,--yes", o->yes, "Apply the repairs without asking (needed off a terminal)");
    sub->add_flag("--dry-run", o->dry_run, "Show the repairs --fix would make; change nothing");
    sub->add_flag("--delete-malformed", o->delete_malformed, "With --fix: also UNLINK token and session values that do not parse");
    sub->add_option("--examples", o->examples, "Example keys kept per check (default 3)")
        ->check(integer_in(config::k_examples_range));
    sub->add_option("--big-key-bytes", o->big_key_bytes, "big_key threshold in bytes, by MEMORY USAGE (default 1 MiB; 0: off)")
        ->check(integer_in(config::k_big_key_bytes_range));
    sub->add_option("--sample", o->sample, "MEMORY USAGE SAMPLES: nested values sampled per key (default 5; 0: all)")
        ->check(integer_in(config::k_memory_samples_range));
    sub->add_option("--max-lock-ttl", o->max_lock_ttl, "lock_ttl_long threshold (default 1h)")
        ->check(duration_in(config::k_ttl_range));
    sub->add_option("--window", o->window, "TTL given to a rate-limit key without one (no_ttl repair), e.g. 1m")
        ->check(duration_in(config::k_ttl_range));
    sub->add_option("--format", o->format, "nagios (one plugin line, exit 0/1/2/3) or prometheus (text exposition)");
    sub->add_option("--warn", o->warn, "nagios: WARNING above this many findings (default 0)")
        ->check(integer_in(config::k_findings_range));
    sub->add_option("--crit", o->crit, "nagios: CRITICAL above this many findings")
        ->check(integer_in(config::k_findings_range));
    sub->callback([o, &selected] { selected = [o](Context& ctx) { return run_doctor(*o, ctx); }; });
}

} // namespace redops::cli
