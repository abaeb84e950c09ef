// `redops ratelimit test|reset`: peek at a subject's limit, prove a limiter atomic under load, unblock a subject.
#include "cli/bulk_report.h"
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/ratelimit_load.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "config/duration.h"
#include "output/json_fields.h"
#include "output/progress.h"
#include "output/text_width.h"
#include "output/time_format.h"
#include "output/view.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace redops::cli {

namespace {

using output::Json;

struct TestOptions {
    std::string resource;
    std::string subject;
    std::optional<long long> limit;
    std::optional<std::chrono::milliseconds> window;
    std::string algorithm = "fixed-window";
    long long burst = 0;
    bool peek = false;
    std::optional<long long> requests;
    long long concurrency = 1;
    bool trace = false;
    bool degraded = false;
};

struct ResetOptions {
    std::string resource;
    std::string subject;
    bool all_subjects = false;
    bool dry_run = false;
    bool yes = false;
};

repo::LimitSpec spec_of(const TestOptions& o, Context& ctx)
{
    repo::LimitSpec spec;
    spec.algorithm = repo::parse_algorithm(o.algorithm);
    spec.burst = o.burst;
    if (o.degraded) {
        // The services' fallback: degraded_limit per degraded_window unless overridden.
        spec.algorithm = repo::Algorithm::sliding_log;
        spec.limit = o.limit.value_or(ctx.settings().defaults.degraded_limit.value);
        spec.window = o.window.value_or(ctx.settings().defaults.degraded_window.value);
    } else {
        if (!o.limit || !o.window) {
            throw Error(ErrorKind::usage, "--limit and --window are required (except with --degraded)");
        }
        spec.limit = *o.limit;
        spec.window = *o.window;
    }
    if (spec.limit <= 0 || spec.window.count() <= 0) {
        throw Error(ErrorKind::usage, "--limit and --window must be positive");
    }
    return spec;
}

// "resets in 29.6s", or that it never does (a counter without TTL).
std::string resets_text(const std::optional<long long>& reset_in_ms)
{
    return reset_in_ms ? fmt::format("resets in {}", output::human_duration_ms(*reset_in_ms))
                       : std::string("never resets (no TTL)");
}

int run_peek(const TestOptions& o, const repo::LimitSpec& spec, HitTarget& target, Context& ctx)
{
    repo::PeekResult p = target.peek();
    if (p.no_ttl) {
        ctx.printer().warn(fmt::format("{} has no TTL: it never expires and may block the subject forever "
                                       "(`redops ratelimit reset` clears it)",
                                       target.key()));
    }
    Json fields{{"algorithm", o.degraded ? "degraded" : std::string(repo::algorithm_name(spec.algorithm))},
                {"key", target.key()},
                {"limit", p.capacity},
                {"window_ms", spec.window.count()},
                {"exists", p.exists},
                {"current", p.current},
                {"remaining", p.remaining},
                {"reset_in_ms", output::or_null(p.reset_in_ms)},
                {"limited", p.limited},
                {"no_ttl", p.no_ttl}};
    auto text = [&](output::Printer& out) {
        out.line(fmt::format("{}: {} of {} used, {} remaining, {}{}", output::sanitize_for_terminal(target.key()),
                             p.current, p.capacity, p.remaining, resets_text(p.reset_in_ms),
                             p.limited ? " — LIMITED" : ""));
    };
    return output::render(ctx.printer(), {fields, text}, p.limited ? k_exit_negative : k_exit_ok);
}

int run_single(const repo::LimitSpec& spec, HitTarget& target, Context& ctx)
{
    repo::HitResult r = target.hit(0);
    // retry_after_ms: a number exactly when limited, else null; reset_in_ms null when the key never expires.
    Json fields{{"algorithm", std::string(repo::algorithm_name(spec.algorithm))},
                {"key", target.key()},
                {"limit", r.capacity},
                {"window_ms", spec.window.count()},
                {"limited", r.limited},
                {"current", r.current},
                {"remaining", r.remaining},
                {"reset_in_ms", output::or_null(r.reset_in_ms)},
                {"retry_after_ms", output::or_null(r.retry_after_ms)}};
    auto text = [&](output::Printer& out) {
        std::string retry = r.retry_after_ms
                                ? fmt::format(", retry in {}", output::human_duration_ms(*r.retry_after_ms))
                                : "";
        out.line(fmt::format("{}: {} ({} of {} used, {} remaining, {}{})", output::sanitize_for_terminal(target.key()),
                             r.limited ? "LIMITED" : "allowed", r.current, r.capacity, r.remaining,
                             resets_text(r.reset_in_ms), retry));
    };
    return output::render(ctx.printer(), {fields, text}, r.limited ? k_exit_negative : k_exit_ok);
}

int run_test(const TestOptions& o, Context& ctx)
{
    require_nonempty("--resource", o.resource);
    require_nonempty("--subject", o.subject);
    repo::LimitSpec spec = spec_of(o, ctx);
    if (!o.peek && !o.degraded) {
        // Hits write: refuse a key that would also read as another resource's, before any worker starts.
        ctx.settings().keys.ratelimit.value.render_unambiguous({{"resource", o.resource}, {"subject", o.subject}});
    }
    std::unique_ptr<HitTarget> target = o.degraded ? make_degraded_target(o.resource, o.subject, spec)
                                                   : make_redis_target(ctx, o.resource, o.subject, spec);
    if (o.peek) {
        return run_peek(o, spec, *target, ctx);
    }
    if (!o.requests) {
        return run_single(spec, *target, ctx);
    }
    if (*o.requests <= 0 || o.concurrency <= 0) {
        throw Error(ErrorKind::usage, "--requests and --concurrency must be positive");
    }
    return run_load(*target, spec, LoadPlan{*o.requests, o.concurrency, o.trace, o.degraded}, ctx);
}

int run_reset_all(const ResetOptions& o, repo::RateLimitRepository& limits, Context& ctx)
{
    auto& printer = ctx.printer();
    const long long scan_count = ctx.settings().defaults.scan_count.value;
    const char* hint = "ratelimit reset --resource R --subject S";
    if (o.dry_run) {
        // Streamed: a dry run over a resource with a million subjects never holds them all. Its listing on
        // stdout is its own progress.
        InterruptScope graceful;
        output::Listing listing(printer, "keys", {}, Json{{"resource", o.resource}, {"dry_run", true}});
        auto result = limits.reset_all(o.resource, scan_count, true,
                                       [&](const std::vector<std::string>& keys, long long) {
                                           for (const auto& key : keys) {
                                               listing.add([&] { return Json(key); },
                                                           [&] { return std::vector<std::string>{key}; });
                                           }
                                       });
        warn_ambiguous(printer, result.skipped_ambiguous, "resource", hint);
        long long n = result.deleted;
        return listing.finish(k_exit_ok,
                              Json{{"would_delete", n},
                                   {"skipped_ambiguous", ambiguous_json(result.skipped_ambiguous)}},
                              [&](output::Printer& out) {
                                  out.line(fmt::format("dry run: would reset {} subject{} of {}", n, n == 1 ? "" : "s",
                                                       output::sanitize_for_terminal(o.resource)));
                              });
    }
    confirm_bulk(ctx, o.yes, {"Reset", "rate-limit key", limits.reset_pattern(o.resource), "nothing reset"},
                 [&](output::Progress& progress) {
                     return limits
                         .reset_all(o.resource, scan_count, true,
                                    [&](const auto& keys, long long) {
                                        progress.add(static_cast<long long>(keys.size()), 0);
                                    })
                         .deleted;
                 });
    repo::BulkDeleteResult result;
    {
        InterruptScope graceful; // from here a signal stops the work between two batches, and it says what it did
        output::Progress progress = printer.progress("ratelimit reset");
        result = limits.reset_all(o.resource, scan_count, false,
                                  [&](const std::vector<std::string>& keys, long long deleted) {
                                      progress.add(static_cast<long long>(keys.size()), deleted);
                                  });
    }
    long long n = result.deleted;
    auto text = [&](output::Printer& out) {
        out.line(
            fmt::format("reset {} subject{} of {}", n, n == 1 ? "" : "s", output::sanitize_for_terminal(o.resource)));
    };
    // As text the warning comes first, as JSON after the document: both on stderr, whichever stdout holds.
    output::render(printer,
                   {Json{{"resource", o.resource},
                         {"dry_run", false},
                         {"deleted", n},
                         {"skipped_ambiguous", ambiguous_json(result.skipped_ambiguous)}},
                    text},
                   k_exit_ok);
    warn_ambiguous(printer, result.skipped_ambiguous, "resource", hint);
    return k_exit_ok;
}

int run_reset(const ResetOptions& o, Context& ctx)
{
    require_nonempty("--resource", o.resource);
    repo::RateLimitRepository limits(ctx.client(), ctx.settings().keys.ratelimit.value);
    if (o.all_subjects) {
        return run_reset_all(o, limits, ctx);
    }
    require_nonempty("--subject", o.subject);
    std::string key = limits.key_of(o.resource, o.subject);
    bool removed = limits.reset(o.resource, o.subject);
    auto text = [&](output::Printer& out) {
        out.line(removed ? fmt::format("reset {}", key) : fmt::format("{} had no state", key));
    };
    // Nothing to clear is the "miss" answer, as for dedupe forget.
    return output::render(ctx.printer(), {Json{{"key", key}, {"reset", removed}}, text},
                          removed ? k_exit_ok : k_exit_negative);
}

} // namespace

void register_ratelimit(CLI::App& app, Runner& selected)
{
    CLI::App* group = add_group(app, "ratelimit", "Rate limits: test (peek, load check, degraded), reset");
    add_examples(*group, {"redops ratelimit test --resource api --subject u1 --limit 5 --window 10s --peek",
                          "redops ratelimit reset --resource api --subject u1"});

    auto test = add_command(*group, selected, "test", "Hit or peek at a subject's limit; --requests checks atomicity",
                            run_test);
    add_examples(*test.app, {"redops ratelimit test --resource api --subject u1 --limit 5 --window 10s --peek",
                             "redops ratelimit test --resource api --subject u1 --limit 5 --window 10s --requests 8 "
                             "--concurrency 4",
                             "redops ratelimit test --resource login --subject u1 --limit 10 --window 1m --degraded"});
    TestOptions& t = test.options;
    CLI::App& sub = *test.app;
    sub.add_option("--resource", t.resource, "Limited resource (the {resource} of the key template)");
    sub.add_option("--subject", t.subject, "User, IP or tenant (the {subject})");
    sub.add_option("--limit", t.limit, "Hits allowed per window")->check(integer_in(config::k_limit_range));
    add_duration(sub, "--window", t.window, "Window length, e.g. 10s, 1m", config::k_ttl_range);
    sub.add_option("--algorithm", t.algorithm, "fixed-window (default), sliding-log or gcra")
        ->check(CLI::IsMember({"fixed-window", "sliding-log", "gcra"}));
    sub.add_option("--burst", t.burst, "gcra: hits allowed at once (default: the limit)")
        ->check(integer_in({0, config::k_limit_range.max}));
    auto* peek = sub.add_flag("--peek", t.peek, "Only read the state; exit 1 when limited now");
    auto* requests = sub.add_option("--requests", t.requests, "Send this many hits and check the limit held exactly")
                         ->check(integer_in(config::k_requests_range))
                         ->excludes(peek);
    sub.add_option("--concurrency", t.concurrency, "Connections (threads) sending the hits (default 1)")
        ->check(integer_in(config::k_concurrency_range))
        ->needs(requests);
    sub.add_flag("--trace", t.trace, "With --requests: one JSON line per hit")->needs(requests);
    sub.add_flag("--degraded", t.degraded, "The in-memory fallback limiter, no Redis (default 10 per 60 s)");

    auto reset = add_command(*group, selected, "reset", "Clear a subject's limit state (UNLINK)", run_reset);
    add_examples(*reset.app, {"redops ratelimit reset --resource api --subject u1",
                              "redops ratelimit reset --resource api --all-subjects --dry-run"});
    ResetOptions& r = reset.options;
    reset.app->add_option("--resource", r.resource, "Limited resource");
    auto* subject = reset.app->add_option("--subject", r.subject, "Subject to unblock");
    auto* all = reset.app->add_flag("--all-subjects", r.all_subjects, "Every subject of the resource (SCAN)")
                    ->excludes(subject);
    add_dry_run(*reset.app, r.dry_run, "With --all-subjects: list what would be reset, change nothing")->needs(all);
    add_yes(*reset.app, r.yes, "Do not ask (needed with --all-subjects off a TTY)");
}

} // namespace redops::cli
