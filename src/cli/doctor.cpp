// `redops doctor`: audit the whole layer in one SCAN pass, and with --fix repair what is safe to repair.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/doctor_view.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "config/duration.h"
#include "output/view.h"
#include "repo/doctor_repair.h"
#include "repo/doctor_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

namespace redops::cli {

namespace {

const std::vector<std::string>& known_kinds()
{
    static const std::vector<std::string> kinds{"token",   "lock",       "dedupe", "ratelimit",
                                                "session", "user_index", "other"};
    return kinds;
}

struct DoctorOptions {
    std::vector<std::string> kinds;
    bool fix = false;
    bool yes = false;
    bool dry_run = false;
    bool delete_malformed = false;
    long long examples = 3;
    long long big_key_bytes = 1024LL * 1024;
    long long sample = 5;
    std::optional<std::chrono::milliseconds> max_lock_ttl;
    std::optional<std::chrono::milliseconds> window;
    std::string format = "default";
    std::optional<long long> warn;
    std::optional<long long> crit;
};

// What CLI11's declarations cannot say: the thresholds depend on the value of --format.
void validate(const DoctorOptions& o)
{
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
    options.max_lock_ttl = o.max_lock_ttl.value_or(std::chrono::hours(1));
    options.token_safety_buffer_ms = s.defaults.token_safety_buffer_s.value * 1000;
    options.lock_ttl = s.defaults.lock_ttl.value;
    options.dedupe_ttl = std::chrono::seconds(s.defaults.dedupe_ttl_s.value);
    options.session_ttl = s.defaults.session_ttl.value;
    options.session_remember_ttl = s.defaults.session_remember_ttl.value;
    options.ratelimit_window = o.window.value_or(std::chrono::milliseconds{0});
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
        throw Error(
            ErrorKind::usage,
            fmt::format("doctor --fix needs --yes when stdin is not a terminal; would apply {}; nothing changed",
                        what));
    }
    output::preview(ctx.printer(), [&](output::Printer& out) {
        print_doctor_table(DoctorView{report, FixMode::dry_run, std::nullopt, 0, {}, ErrorKind::server}, out);
    });
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
    // A signal during the pass stops it between two batches: exit 128 + the signal, one JSON document.
    auto scan = [&] {
        InterruptScope graceful;
        return repo::doctor_scan(ctx.client(), settings.keys, options);
    };
    if (o.format == "nagios") {
        repo::DoctorReport report = scan();
        int state = nagios_state(o, report.findings());
        printer.line(doctor_nagios(DoctorView{report, FixMode::none, std::nullopt, state, {}, ErrorKind::server}, state,
                                   o.warn.value_or(0), o.crit));
        return state;
    }
    repo::DoctorReport report = scan();
    DoctorView view{report, o.fix || o.dry_run ? FixMode::dry_run : FixMode::none, std::nullopt, 0, {}};
    long long repaired = 0;
    if (o.fix && !o.dry_run && !report.repairs.empty()) {
        require_confirmation(ctx, o, report);
        {
            InterruptScope graceful; // after the prompt: there a signal still ends the process at once
            view.repairs = repo::apply_repairs(ctx.client(), report.repairs);
        }
        view.fix = FixMode::applied;
        long long failed = 0;
        long long attempted = 0;
        std::string first_error;
        for (const auto& outcome : *view.repairs) {
            repaired += outcome.applied;
            failed += outcome.failed;
            attempted += outcome.applied + outcome.skipped + outcome.failed;
            if (first_error.empty() && !outcome.errors.empty()) {
                first_error = outcome.errors.front();
            }
        }
        if (failed > 0) {
            view.error = fmt::format("{} repair{} failed: {}", failed, failed == 1 ? "" : "s", first_error);
        }
        if (const int sig = interrupt_signal(); sig != 0) {
            const auto total = static_cast<long long>(report.repairs.size());
            view.error = fmt::format("interrupted by {} after {} of {} repairs ({} applied); run doctor --fix again "
                                     "for the rest{}",
                                     interrupt_name(sig), attempted, total, repaired,
                                     view.error.empty() ? "" : "; " + view.error);
            view.error_kind = ErrorKind::interrupted;
        }
    }
    view.exit_code = !view.error.empty()            ? exit_code_for(view.error_kind)
                     : report.findings() > repaired ? k_exit_negative
                                                    : k_exit_ok;
    const bool interrupted = view.error_kind == ErrorKind::interrupted;
    if (o.format == "prometheus") {
        printer.out() << doctor_prometheus(view);
    } else {
        output::render(printer,
                       {doctor_json(view, printer),
                        [&](output::Printer& out) {
                            print_doctor_table(view, out);
                            if (view.fix == FixMode::dry_run) {
                                out.note(fmt::format("dry run: {} repair{} would be applied; nothing changed",
                                                     report.repairs.size(), report.repairs.size() == 1 ? "" : "s"));
                            }
                            if (!view.error.empty() && !interrupted) {
                                out.warn(view.error);
                            }
                        }},
                       view.exit_code);
    }
    if (interrupted) {
        printer.error_line(view.error); // in every format, as for any error that ends a command
    } else if (report.repairs_over_limit > 0) {
        printer.warn(fmt::format("{} further repairs were over the limit of {} per run; run doctor again",
                                 report.repairs_over_limit, repo::DoctorReport::k_max_repairs));
    }
    return view.exit_code;
}

// As a Nagios check every failure is UNKNOWN: doctor judges the keys, not whether Redis is up.
ErrorStyle doctor_errors(const DoctorOptions& o)
{
    return o.format == "nagios" ? ErrorStyle{"REDOPS DOCTOR", false} : ErrorStyle{};
}

} // namespace

void register_doctor(CLI::App& app, Runner& selected)
{
    auto doctor = add_command(app, selected, "doctor",
                              "Audit every key of the layer in one SCAN pass; --fix repairs safely", run_doctor,
                              doctor_errors);
    add_examples(*doctor.app, {"redops doctor", "redops doctor --fix", "redops doctor --fix --yes"});
    DoctorOptions& o = doctor.options;
    CLI::App& sub = *doctor.app;
    sub.add_option("--kinds", o.kinds,
                   "Only these kinds, comma-separated: token,lock,dedupe,ratelimit,session,user_index,other")
        ->delimiter(',')
        ->check(CLI::IsMember(known_kinds()));
    auto* fix = sub.add_flag("--fix", o.fix, "Repair the fixable findings (asks on a terminal; --yes otherwise)");
    add_yes(sub, o.yes, "Apply the repairs without asking (needed off a terminal)")->needs(fix);
    add_dry_run(sub, o.dry_run, "Show the repairs --fix would make; change nothing");
    sub.add_flag("--delete-malformed", o.delete_malformed,
                 "With --fix: also UNLINK token and session values that do not parse")
        ->needs(fix);
    sub.add_option("--examples", o.examples, "Example keys kept per check (default 3)")
        ->check(integer_in(config::k_examples_range));
    sub.add_option("--big-key-bytes", o.big_key_bytes,
                   "big_key threshold in bytes, by MEMORY USAGE (default 1 MiB; 0: off)")
        ->check(integer_in(config::k_big_key_bytes_range));
    sub.add_option("--sample", o.sample, "MEMORY USAGE SAMPLES: nested values sampled per key (default 5; 0: all)")
        ->check(integer_in(config::k_memory_samples_range));
    add_duration(sub, "--max-lock-ttl", o.max_lock_ttl, "lock_ttl_long threshold (default 1h)", config::k_ttl_range);
    add_duration(sub, "--window", o.window, "TTL given to a rate-limit key without one (no_ttl repair), e.g. 1m",
                 config::k_ttl_range);
    sub.add_option("--format", o.format, "nagios (one plugin line, exit 0/1/2/3) or prometheus (text exposition)")
        ->check(CLI::IsMember({"default", "nagios", "prometheus"}));
    sub.add_option("--warn", o.warn, "nagios: WARNING above this many findings (default 0)")
        ->check(integer_in(config::k_findings_range));
    sub.add_option("--crit", o.crit, "nagios: CRITICAL above this many findings")
        ->check(integer_in(config::k_findings_range));
}

} // namespace redops::cli
