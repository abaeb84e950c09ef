// `redops monitor`: health samples over time, degraded-mode transitions, Prometheus and Nagios output.
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/monitor_format.h"
#include "cli/monitor_view.h"
#include "common/error.h"
#include "config/duration.h"
#include "config/settings.h"
#include "output/text_width.h"
#include "output/time_format.h"
#include "repo/health_repository.h"
#include "repo/key_census.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace redops::cli {

namespace {

struct MonitorOptions {
    std::string interval = "2s";
    std::optional<int> count; // none: until interrupted
    bool once = false;
    std::string format = "default";
    std::string output_file;
    bool check = false;
    CheckThresholds thresholds;
    bool keys = false;
    bool keys_exact = false;
};

long long now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_setup_error(const Error& e)
{
    return e.kind() == ErrorKind::usage || e.kind() == ErrorKind::config;
}

// --keys: the configured template of every kind, so custom key shapes are counted as what they are.
std::optional<repo::KeyCensus> key_census(const MonitorOptions& o, const config::Settings& settings)
{
    if (!o.keys && !o.keys_exact) {
        return std::nullopt;
    }
    std::vector<config::KeyTemplate> templates;
    for (const auto& kind : config::key_kinds()) {
        templates.push_back(config::key_template_setting(settings.keys, kind.name).value);
    }
    // A check is one sample: an incremental pass would rarely publish within it.
    bool exact = o.keys_exact || o.check;
    return repo::KeyCensus(repo::KeyClassifier(std::move(templates)), settings.defaults.scan_count.value, exact);
}

// Takes samples on its own connection: a failed sample drops it, and the next one connects afresh
// (a Connection that failed refuses reuse), so a Redis restart is picked up without back-off beyond the interval.
class Sampler {
public:
    Sampler(Context& ctx, std::optional<repo::KeyCensus> census) : m_ctx(ctx), m_census(std::move(census)) {}

    repo::HealthSample take()
    {
        const bool reused = m_client != nullptr;
        const std::optional<repo::HealthSample> previous = m_previous;
        repo::HealthSample sample = take_once();
        if (reused && !sample.healthy) {
            // The server may just have closed a connection idle for longer than its `timeout` (an --interval
            // longer than that): one sample on a fresh connection before saying unhealthy.
            m_client.reset();
            m_previous = previous;
            sample = take_once();
        }
        return sample;
    }

private:
    repo::HealthSample take_once()
    {
        try {
            follow_sentinels();
            if (!m_client) {
                m_client = m_ctx.client_factory().make();
            }
            repo::HealthSample sample = repo::HealthRepository(*m_client).sample();
            if (m_client->topology() == "sentinel" && sample.role != "master") {
                // Demoted since we connected: ask the sentinels again.
                m_client = m_ctx.client_factory().make();
                m_previous.reset();
                sample = repo::HealthRepository(*m_client).sample();
            }
            if (!sample.healthy) {
                m_client.reset(); // a cluster with a node down: read the topology afresh next time
            }
            if (m_previous) {
                repo::apply_rates(sample, *m_previous);
            }
            m_previous = sample;
            if (m_census && m_client) {
                sample.keys = m_census->step(*m_client);
            } else if (m_census) {
                m_census->restart(); // a node did not answer: its cursor may mean nothing next time
            }
            return sample;
        } catch (const Error& e) {
            if (is_setup_error(e)) {
                throw; // not a Redis outage: it will not heal by sampling again
            }
            if (m_census) {
                m_census->restart();
            }
            m_client.reset();
            repo::HealthSample failed;
            failed.time_ms = now_ms();
            failed.error = e.what();
            return failed;
        }
    }

    // After a failover the old primary keeps answering as master until the sentinels demote it, seconds later;
    // what the sentinels name is the primary the services use, so sample that one from the first moment.
    void follow_sentinels()
    {
        const redis::ClientFactory& factory = m_ctx.client_factory();
        if (!m_client || !factory.uses_sentinel()) {
            return;
        }
        auto named = factory.sentinel_named_primary();
        if (named && named->describe() != m_client->nodes().front().options.endpoint.describe()) {
            m_client.reset();
            m_previous.reset(); // no rates across two different servers
        }
    }

    Context& m_ctx;
    std::unique_ptr<redis::Client> m_client;
    std::optional<repo::HealthSample> m_previous;
    std::optional<repo::KeyCensus> m_census;
};

// Temp file beside the target, then rename: a node-exporter textfile reader never sees half a file.
void write_atomically(const std::string& path, const std::string& content)
{
    std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out) {
            std::filesystem::remove(temp);
            throw Error(ErrorKind::config, fmt::format("cannot write {}", temp));
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        throw Error(ErrorKind::config, fmt::format("cannot rename {} to {}: {}", temp, path, ec.message()));
    }
}

void emit(Context& ctx, const MonitorOptions& o, const repo::HealthSample& s)
{
    if (o.format == "prometheus") {
        std::string text = prometheus_text(s);
        if (!o.output_file.empty()) {
            write_atomically(o.output_file, text);
        } else {
            ctx.printer().out() << text;
            ctx.printer().flush();
        }
    } else if (ctx.printer().json()) {
        ctx.printer().json_document(sample_json(s));
    } else {
        ctx.printer().line(output::sanitize_for_terminal(sample_line(s)));
    }
}

// A warning level above its critical level could never warn: one of the two is a typo.
void check_order(const std::optional<double>& warn, const std::optional<double>& crit, std::string_view what)
{
    if (warn && crit && *warn > *crit) {
        throw Error(ErrorKind::usage, fmt::format("--warn-{} {} is above --crit-{} {}: a warning must come before the "
                                                  "critical level", what, *warn, what, *crit));
    }
}

// Runs when the command line is parsed, so a contradiction is refused before anything is sent.
void validate_thresholds(const MonitorOptions& o)
{
    check_order(o.thresholds.warn_latency_ms, o.thresholds.crit_latency_ms, "latency");
    check_order(o.thresholds.warn_memory_pct, o.thresholds.crit_memory_pct, "memory");
}

void validate(const MonitorOptions& o)
{
    if (o.format != "default" && o.format != "prometheus") {
        throw Error(ErrorKind::usage, fmt::format("unknown --format \"{}\" (use prometheus)", o.format));
    }
    if (!o.output_file.empty() && o.format != "prometheus") {
        throw Error(ErrorKind::usage, "--output-file needs --format prometheus");
    }
}

// --check: one verdict; a rate threshold needs a second sample one interval later.
CheckVerdict check(const MonitorOptions& o, Context& ctx)
{
    validate(o);
    auto interval = config::parse_duration(o.interval);
    Sampler sampler(ctx, key_census(o, ctx.settings()));
    repo::HealthSample sample = sampler.take();
    if (sample.healthy && o.thresholds.crit_evictions_per_s) {
        std::this_thread::sleep_for(interval);
        sample = sampler.take();
    }
    return check_verdict(sample, o.thresholds);
}

// Nagios plugin guidelines: whatever goes wrong, a verdict line; a check that could not be made (bad
// arguments or configuration, an internal error) is UNKNOWN (3), only Redis not answering is CRITICAL (2).
int run_check(const MonitorOptions& o, Context& ctx)
{
    CheckVerdict verdict;
    try {
        verdict = check(o, ctx);
    } catch (const std::exception& e) {
        verdict = unknown_verdict(e.what());
    }
    ctx.printer().line(output::sanitize_for_terminal(verdict.line));
    return verdict.exit_code;
}

// What the monitor has seen so far, to log what changes.
struct SeenState {
    std::optional<bool> healthy;
    std::string address; // of the last healthy sample
};

// The transition a sample makes, as logged: empty when health and the sampled server did not change.
std::string transition(const repo::HealthSample& s, SeenState& seen)
{
    std::string event;
    std::optional<bool>& was_healthy = seen.healthy;
    if (s.healthy && !seen.address.empty() && !s.address.empty() && s.address != seen.address) {
        // Only a sentinel failover moves the primary under a running monitor.
        event = fmt::format("{} redops: monitor: primary is now {} (was {})", output::rfc3339_utc_ms(s.time_ms),
                            s.address, seen.address);
    }
    if (s.healthy) {
        seen.address = s.address;
    }
    if (!s.healthy && was_healthy.value_or(true)) {
        event += fmt::format("{} redops: monitor: unhealthy — degraded mode: {}", output::rfc3339_utc_ms(s.time_ms),
                            s.error);
    } else if (s.healthy && was_healthy.has_value() && !*was_healthy) {
        event = fmt::format("{} redops: monitor: recovered{}", output::rfc3339_utc_ms(s.time_ms),
                            event.empty() ? "" : "\n" + event);
    }
    was_healthy = s.healthy;
    return event;
}

int run_monitor(const MonitorOptions& o, Context& ctx)
{
    if (o.check) {
        return run_check(o, ctx);
    }
    validate(o);
    auto interval = config::parse_duration(o.interval);
    // The configuration is loaded before the first sample, so its errors end the run instead of failing samples.
    std::optional<repo::KeyCensus> census = key_census(o, ctx.settings());
    int count = o.once ? 1 : o.count.value_or(0); // 0: until interrupted (--count itself is at least 1)
    bool live = ctx.terminal().stdout_is_tty && ctx.terminal().stdin_is_tty && !ctx.printer().json() &&
                o.format == "default";
    std::optional<LiveView> view;
    if (live) {
        view.emplace(ctx.printer().out(), STDIN_FILENO);
    }
    Sampler sampler(ctx, std::move(census));
    SeenState seen;
    auto next = std::chrono::steady_clock::now();
    bool healthy = false;
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
        std::string event = transition(sample, seen);
        if (view) {
            view->render(sample, event);
        } else {
            if (!event.empty()) {
                ctx.printer().note(event);
            }
            emit(ctx, o, sample);
        }
        healthy = sample.healthy;
    }
    // Like ping: the exit code says whether Redis answered the last sample (3: unavailable).
    return healthy ? k_exit_ok : k_exit_unavailable;
}

} // namespace

void register_monitor(CLI::App& app, Runner& selected)
{
    auto o = std::make_shared<MonitorOptions>();
    CLI::App* sub = app.add_subcommand("monitor", "Health samples over time; Prometheus and Nagios output");
    sub->add_option("-i,--interval", o->interval, "Time between samples (default 2s)")
        ->check(duration_in(config::k_monitor_interval_range));
    auto* count = sub->add_option("-c,--count", o->count, "Stop after N samples (default: run until interrupted)")
                      ->check(integer_in(config::k_count_range));
    sub->add_flag("--once", o->once, "Take one sample and exit")->excludes(count);
    sub->add_option("--format", o->format, "prometheus: text exposition format");
    sub->add_option("--output-file", o->output_file, "Write the Prometheus text to FILE atomically (temp + rename)");
    auto* check_flag = sub->add_flag("--check", o->check, "One Nagios verdict line with perfdata, exit 0/1/2/3");
    const std::pair<const char*, std::pair<std::optional<double>*, const char*>> thresholds[] = {
        {"--warn-latency", {&o->thresholds.warn_latency_ms, "--check: warn above MS milliseconds"}},
        {"--crit-latency", {&o->thresholds.crit_latency_ms, "--check: critical above MS milliseconds"}},
        {"--warn-memory", {&o->thresholds.warn_memory_pct, "--check: warn above PCT percent of maxmemory"}},
        {"--crit-memory", {&o->thresholds.crit_memory_pct, "--check: critical above PCT percent of maxmemory"}},
        {"--crit-evictions",
         {&o->thresholds.crit_evictions_per_s, "--check: critical above N evictions per second (two samples one --interval apart)"}}};
    for (const auto& [name, target] : thresholds) {
        std::string_view flag = name;
        config::NumberRange range = flag.find("latency") != std::string_view::npos ? config::k_latency_ms_range
                                    : flag.find("memory") != std::string_view::npos ? config::k_percent_range
                                                                                    : config::k_rate_range;
        sub->add_option(name, *target.first, target.second)->check(number_in(range))->needs(check_flag);
    }
    auto* keys = sub->add_flag("--keys", o->keys,
                               "Count keys per kind by one SCAN pass spread over the samples; each states the counts' age");
    sub->add_flag("--keys-exact", o->keys_exact, "Count keys per kind by a whole SCAN pass in every sample")->excludes(keys);
    sub->callback([o, &selected] {
        validate_thresholds(*o);
        selected = [o](Context& ctx) { return run_monitor(*o, ctx); };
    });
}

} // namespace redops::cli
