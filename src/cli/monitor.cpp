// `redops monitor`: health samples over time, degraded-mode transitions, Prometheus and Nagios output.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/monitor_format.h"
#include "cli/monitor_sampler.h"
#include "cli/monitor_view.h"
#include "cli/nagios_options.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/text_width.h"
#include "output/view.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace redops::cli {

namespace {

// Temp file beside the target, then rename: a node-exporter textfile reader never sees half a file.
void write_atomically(const std::string& path, const std::string& content)
{
    std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        errno = 0;
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out) {
            const int error_number = errno != 0 ? errno : EIO;
            std::filesystem::remove(temp);
            throw file_error(fmt::format("cannot write {}", temp), error_number, ErrorKind::usage);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        throw file_error(fmt::format("cannot rename {} to {}", temp, path), ec.value(), ErrorKind::usage);
    }
}

void emit(Context& ctx, const MonitorOptions& o, const repo::HealthSample& s)
{
    if (!o.output_file.empty()) {
        write_atomically(o.output_file, prometheus_text(s)); // --output-file goes with --format prometheus
        return;
    }
    if (o.format == "prometheus") {
        ctx.printer().out() << prometheus_text(s); // the command's own format: the exposition as it is
        ctx.printer().flush();
        return;
    }
    output::record(ctx.printer(), sample_json(s), [&] { return sample_line(s); });
}

bool any_threshold(const CheckThresholds& t)
{
    return t.warn_latency_ms || t.crit_latency_ms || t.warn_memory_pct || t.crit_memory_pct || t.warn_evictions_per_s ||
           t.crit_evictions_per_s || t.warn_lag_s || t.crit_lag_s || t.warn_lag_bytes || t.crit_lag_bytes;
}

// A memory threshold is a share of maxmemory (used memory can pass it before eviction): a bound outside 0-1000
// percent is a typo, refused as the flag's range was before ranges took the Nagios syntax.
void check_percent_range(const std::optional<output::NagiosRange>& range, const std::string& flag)
{
    auto outside = [](const std::optional<double>& bound) { return bound && (*bound < 0 || *bound > 1000); };
    if (range && (outside(range->start) || outside(range->end))) {
        throw Error(ErrorKind::usage,
                    fmt::format("{}: {} is out of range (0-1000 percent of maxmemory)", flag, range->text));
    }
}

// Runs when the command line is parsed, so a contradiction is refused before anything is sent.
void validate(MonitorOptions& o)
{
    if (o.format == "nagios") {
        o.check = true; // --format nagios is the check's own format
    } else if (o.check && o.format != "default") {
        throw Error(ErrorKind::usage, fmt::format("--check prints a Nagios line, not --format {}", o.format));
    }
    if (!o.output_file.empty() && o.format != "prometheus") {
        throw Error(ErrorKind::usage, "--output-file needs --format prometheus");
    }
    if (any_threshold(o.thresholds) && !o.check) {
        throw Error(ErrorKind::usage, "--warn-*/--crit-* thresholds need --check (or --format nagios)");
    }
    if (o.listen && (o.check || o.once || o.count || !o.output_file.empty() || o.format == "nagios")) {
        throw Error(ErrorKind::usage, "--listen serves Prometheus metrics: it takes none of --check, --once, --count, "
                                      "--format nagios, --output-file");
    }
    const auto& t = o.thresholds;
    check_percent_range(t.warn_memory_pct, "--warn-memory");
    check_percent_range(t.crit_memory_pct, "--crit-memory");
    check_threshold_order(t.warn_latency_ms, t.crit_latency_ms, "--warn-latency", "--crit-latency");
    check_threshold_order(t.warn_memory_pct, t.crit_memory_pct, "--warn-memory", "--crit-memory");
    check_threshold_order(t.warn_evictions_per_s, t.crit_evictions_per_s, "--warn-evictions", "--crit-evictions");
    check_threshold_order(t.warn_lag_s, t.crit_lag_s, "--warn-lag", "--crit-lag");
    check_threshold_order(t.warn_lag_bytes, t.crit_lag_bytes, "--warn-lag-bytes", "--crit-lag-bytes");
}

// --check: one verdict; a rate threshold needs a second sample one interval later.
CheckVerdict check(const MonitorOptions& o, Context& ctx)
{
    auto interval = o.interval;
    Sampler sampler(ctx, make_key_census(o, ctx.settings(), true));
    repo::HealthSample sample = sampler.take();
    if (sample.reachable && (o.thresholds.crit_evictions_per_s || o.thresholds.warn_evictions_per_s)) {
        std::this_thread::sleep_for(interval);
        sample = sampler.take();
    }
    return check_verdict(sample, o.thresholds);
}

int run_check(const MonitorOptions& o, Context& ctx)
{
    CheckVerdict verdict = check(o, ctx);
    ctx.printer().line(output::sanitize_for_terminal(verdict.line));
    return verdict.exit_code;
}

// Nagios plugin guidelines: whatever goes wrong, a verdict line; a check that could not be made (bad
// configuration, an internal error) is UNKNOWN (3). Redis not answering is a sample, judged CRITICAL (2).
ErrorStyle monitor_errors(const MonitorOptions& o)
{
    return o.check ? ErrorStyle{"REDIS", false} : ErrorStyle{};
}

int run_monitor(const MonitorOptions& o, Context& ctx)
{
    if (o.check) {
        return run_check(o, ctx);
    }
    if (o.listen) {
        return run_listen(o, ctx);
    }
    auto interval = o.interval;
    int count = o.once ? 1 : o.count.value_or(0); // 0: until interrupted (--count itself is at least 1)
    // The configuration is loaded before the first sample, so its errors end the run instead of failing samples.
    // One sample (--once, --count 1) has no later samples to spread a census over: it runs the whole pass.
    std::optional<repo::KeyCensus> census = make_key_census(o, ctx.settings(), count == 1);
    bool live = ctx.terminal().stdout_is_tty && ctx.terminal().stdin_is_tty &&
                ctx.printer().format() == output::Format::table && o.format == "default";
    std::optional<LiveView> view;
    if (live) {
        view.emplace(ctx.printer().out(), STDIN_FILENO);
    }
    Sampler sampler(ctx, std::move(census));
    SeenState seen;
    auto next = std::chrono::steady_clock::now();
    std::optional<repo::HealthSample> last;
    for (int taken = 0; count == 0 || taken < count; ++taken) {
        if (taken > 0) {
            next += interval;
            if (view && !view->wait_until(next)) {
                break;
            }
            std::this_thread::sleep_until(next);
            next = std::max(next, std::chrono::steady_clock::now()); // a slow sample does not cause a burst
        }
        repo::HealthSample sample = sampler.take();
        std::vector<std::string> events = transitions(sample, seen);
        if (view) {
            view->render(sample, events);
        } else {
            for (const auto& event : events) {
                ctx.printer().note(event);
            }
            emit(ctx, o, sample);
        }
        last = std::move(sample);
    }
    // Like ping: 0 healthy, 1 Redis answered but is not healthy (a replica without its master), 3 it did not.
    if (!last || !last->reachable) {
        return k_exit_unavailable;
    }
    return last->healthy ? k_exit_ok : k_exit_negative;
}

} // namespace

void register_monitor(CLI::App& app, Runner& selected)
{
    auto monitor = add_command(app, selected, "monitor", "Health samples over time; Prometheus and Nagios output",
                               run_monitor, monitor_errors);
    add_examples(*monitor.app,
                 {"redops monitor --interval 5s -o json >> /var/log/redis-health.jsonl",
                  "redops monitor --once --format prometheus --output-file /var/lib/node_exporter/textfile/redis.prom",
                  "redops monitor --check --warn-latency 5 --crit-latency 50"});
    MonitorOptions* o = &monitor.options;
    CLI::App* sub = monitor.app;
    add_duration(*sub, "-i,--interval", o->interval, "Time between samples (default 2s)",
                 config::k_monitor_interval_range);
    auto* count = sub->add_option("-c,--count", o->count, "Stop after N samples (default: run until interrupted)")
                      ->check(integer_in(config::k_count_range));
    sub->add_flag("--once", o->once, "Take one sample and exit")->excludes(count);
    sub->add_option("--format", o->format, "prometheus: text exposition format; nagios: same as --check")
        ->check(CLI::IsMember({"default", "prometheus", "nagios"}));
    sub->add_option("--output-file", o->output_file, "Write the Prometheus text to FILE atomically (temp + rename)");
    sub->add_flag("--check", o->check, "One Nagios verdict line with perfdata, exit 0/1/2/3");
    sub->add_option("--listen", o->listen,
                    "Serve /metrics and /healthz over HTTP on [HOST:]PORT (host default 127.0.0.1)");
    auto& t = o->thresholds;
    const std::pair<const char*, std::pair<std::optional<output::NagiosRange>*, const char*>> thresholds[] = {
        {"--warn-latency", {&t.warn_latency_ms, "--check: warn when the PING latency in ms is outside RANGE"}},
        {"--crit-latency", {&t.crit_latency_ms, "--check: critical when the PING latency in ms is outside RANGE"}},
        {"--warn-memory",
         {&t.warn_memory_pct, "--check: warn when used memory in percent of maxmemory is outside RANGE"}},
        {"--crit-memory",
         {&t.crit_memory_pct, "--check: critical when used memory in % of maxmemory is outside RANGE"}},
        {"--warn-evictions", {&t.warn_evictions_per_s, "--check: warn when evictions per second are outside RANGE"}},
        {"--crit-evictions",
         {&t.crit_evictions_per_s,
          "--check: critical when evictions per second (two samples one --interval apart) are outside RANGE"}},
        {"--warn-lag", {&t.warn_lag_s, "--check: warn when the replication lag in seconds is outside RANGE"}},
        {"--crit-lag", {&t.crit_lag_s, "--check: critical when the replication lag in seconds is outside RANGE"}},
        {"--warn-lag-bytes",
         {&t.warn_lag_bytes, "--check: warn when a replica's lag in bytes of offset is outside RANGE"}},
        {"--crit-lag-bytes", {&t.crit_lag_bytes, "--check: critical when a replica's lag in bytes is outside RANGE"}}};
    for (const auto& [name, target] : thresholds) {
        add_threshold(*sub, name, *target.first, target.second);
    }
    auto* keys = sub->add_flag(
        "--keys", o->keys, "Count keys per kind by one SCAN pass spread over the samples; each states the counts' age");
    sub->add_flag("--keys-exact", o->keys_exact, "Count keys per kind by a whole SCAN pass in every sample")
        ->excludes(keys);
    add_duration(*sub, "--keys-budget", o->keys_budget,
                 "Longest whole SCAN pass (--once, --check, --keys-exact); past it the counts are partial (default 5s)",
                 config::k_monitor_interval_range);
    // Checked when the command line is parsed, so a contradiction is refused before anything is sent.
    sub->parse_complete_callback([o] { validate(*o); });
}

} // namespace redops::cli
