// `redops ratelimit test|reset`: peek at a subject's limit, prove a limiter atomic under load, unblock a subject.
#include "cli/bulk_report.h"
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/ratelimit_load.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/json_fields.h"
#include "output/progress.h"
#include "output/text_width.h"
#include "output/time_format.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace redops::cli {

namespace {

struct RateLimitOptions {
    std::string resource;
    std::string subject;
    std::optional<long long> limit;
    std::optional<std::string> window;
    std::string algorithm = "fixed-window";
    long long burst = 0;
    bool peek = false;
    std::optional<long long> requests;
    long long concurrency = 1;
    bool trace = false;
    bool degraded = false;
    bool all_subjects = false;
    bool dry_run = false;
    bool yes = false;
};

repo::LimitSpec spec_of(const RateLimitOptions& o, Context& ctx)
{
    repo::LimitSpec spec;
    spec.algorithm = repo::parse_algorithm(o.algorithm);
    spec.burst = o.burst;
    if (o.degraded) {
        // The services' fallback: degraded_limit per degraded_window unless overridden.
        spec.algorithm = repo::Algorithm::sliding_log;
        spec.limit = o.limit.value_or(ctx.settings().defaults.degraded_limit.value);
        spec.window = o.window ? config::parse_duration(*o.window) : ctx.settings().defaults.degraded_window.value;
    } else {
        if (!o.limit || !o.window) {
            throw Error(ErrorKind::usage, "--limit and --window are required (except with --degraded)");
        }
        spec.limit = *o.limit;
        spec.window = config::parse_duration(*o.window);
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

int run_peek(const RateLimitOptions& o, const repo::LimitSpec& spec, HitTarget& target, Context& ctx)
{
    repo::PeekResult p = target.peek();
    int exit_code = p.limited ? k_exit_negative : k_exit_ok;
    auto& printer = ctx.printer();
    if (p.no_ttl) {
        printer.warn(fmt::format("{} has no TTL: it never expires and may block the subject forever "
                                 "(`redops ratelimit reset` clears it)", target.key()));
    }
    if (printer.json()) {
        printer.json_document({{"algorithm", o.degraded ? "degraded" : std::string(repo::algorithm_name(spec.algorithm))},
                               {"key", target.key()}, {"limit", p.capacity}, {"window_ms", spec.window.count()},
                               {"exists", p.exists}, {"current", p.current}, {"remaining", p.remaining},
                               {"reset_in_ms", output::or_null(p.reset_in_ms)}, {"limited", p.limited},
                               {"no_ttl", p.no_ttl}, {"ok", exit_code == k_exit_ok}});
    } else {
        printer.line(fmt::format("{}: {} of {} used, {} remaining, {}{}", output::sanitize_for_terminal(target.key()),
                                 p.current, p.capacity, p.remaining, resets_text(p.reset_in_ms),
                                 p.limited ? " — LIMITED" : ""));
    }
    return exit_code;
}

int run_single(const repo::LimitSpec& spec, HitTarget& target, Context& ctx)
{
    repo::HitResult r = target.hit(0);
    int exit_code = r.limited ? k_exit_negative : k_exit_ok;
    auto& printer = ctx.printer();
    if (printer.json()) {
        // retry_after_ms: a number exactly when limited, else null; reset_in_ms null when the key never expires.
        printer.json_document({{"algorithm", std::string(repo::algorithm_name(spec.algorithm))}, {"key", target.key()},
                               {"limit", r.capacity}, {"window_ms", spec.window.count()},
                               {"limited", r.limited}, {"current", r.current}, {"remaining", r.remaining},
                               {"reset_in_ms", output::or_null(r.reset_in_ms)},
                               {"retry_after_ms", output::or_null(r.retry_after_ms)}, {"ok", exit_code == k_exit_ok}});
    } else {
        std::string retry = r.retry_after_ms ? fmt::format(", retry in {}", output::human_duration_ms(*r.retry_after_ms))
                                             : "";
        printer.line(fmt::format("{}: {} ({} of {} used, {} remaining, {}{})", output::sanitize_for_terminal(target.key()),
                                 r.limited ? "LIMITED" : "allowed", r.current, r.capacity, r.remaining,
                                 resets_text(r.reset_in_ms), retry));
    }
    return exit_code;
}

int run_test(const RateLimitOptions& o, Context& ctx)
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

int run_reset_all(const RateLimitOptions& o, repo::RateLimitRepository& limits, Context& ctx)
{
    auto& printer = ctx.printer();
    const long long scan_count = ctx.settings().defaults.scan_count.value;
    if (!o.dry_run) {
        confirm_bulk(ctx, o.yes, {"Reset", "rate-limit key", limits.reset_pattern(o.resource), "nothing reset"},
                     [&](output::Progress& progress) {
                         return limits.reset_all(o.resource, scan_count, true, [&](const auto& keys, long long) {
                             progress.add(static_cast<long long>(keys.size()), 0);
                         }).deleted;
                     });
    }
    const char* hint = "ratelimit reset --resource R --subject S";
    if (printer.json()) {
        // Streamed: a dry run over a resource with a million subjects never holds them all.
        auto& stream = printer.json_stream();
        stream.field("resource", o.resource);
        stream.field("dry_run", o.dry_run);
        if (o.dry_run) {
            stream.begin_array("keys");
        }
        repo::BulkDeleteResult result;
        {
            output::Progress progress = printer.progress("ratelimit reset");
            result = limits.reset_all(o.resource, scan_count, o.dry_run,
                                      [&](const std::vector<std::string>& keys, long long deleted) {
                                          progress.add(static_cast<long long>(keys.size()), deleted);
                                          if (!o.dry_run) {
                                              return;
                                          }
                                          for (const auto& key : keys) {
                                              stream.item(key);
                                          }
                                      });
        }
        if (o.dry_run) {
            stream.end_array();
        }
        stream.field(o.dry_run ? "would_delete" : "deleted", result.deleted);
        stream.field("skipped_ambiguous", ambiguous_json(result.skipped_ambiguous));
        stream.field("ok", true);
        stream.finish();
        warn_ambiguous(printer, result.skipped_ambiguous, "resource", hint);
        return k_exit_ok;
    }
    repo::BulkDeleteResult result;
    {
        // A dry run's listing on stdout is its own progress; a line on the same terminal would cut through it.
        output::Progress progress = printer.progress("ratelimit reset");
        result = limits.reset_all(o.resource, scan_count, o.dry_run,
                                  [&](const std::vector<std::string>& keys, long long deleted) {
                                      if (!o.dry_run) {
                                          progress.add(static_cast<long long>(keys.size()), deleted);
                                          return;
                                      }
                                      for (const auto& key : keys) {
                                          printer.line(output::sanitize_for_terminal(key));
                                      }
                                  });
    }
    warn_ambiguous(printer, result.skipped_ambiguous, "resource", hint);
    long long n = result.deleted;
    printer.line(fmt::format("{} {} subject{} of {}", o.dry_run ? "dry run: would reset" : "reset", n,
                             n == 1 ? "" : "s", output::sanitize_for_terminal(o.resource)));
    return k_exit_ok;
}

int run_reset(const RateLimitOptions& o, Context& ctx)
{
    require_nonempty("--resource", o.resource);
    repo::RateLimitRepository limits(ctx.client(), ctx.settings().keys.ratelimit.value);
    auto& printer = ctx.printer();
    if (o.all_subjects) {
        if (!o.subject.empty()) {
            throw Error(ErrorKind::usage, "--all-subjects and --subject exclude each other");
        }
        return run_reset_all(o, limits, ctx);
    }
    if (o.dry_run) {
        throw Error(ErrorKind::usage, "--dry-run goes with --all-subjects");
    }
    require_nonempty("--subject", o.subject);
    std::string key = limits.key_of(o.resource, o.subject);
    bool removed = limits.reset(o.resource, o.subject);
    // Nothing to clear is the "miss" answer, as for dedupe forget.
    int exit_code = removed ? k_exit_ok : k_exit_negative;
    if (printer.json()) {
        printer.json_document({{"key", key}, {"reset", removed}, {"ok", exit_code == k_exit_ok}});
    } else {
        printer.line(removed ? fmt::format("reset {}", key) : fmt::format("{} had no state", key));
    }
    return exit_code;
}

} // namespace

void register_ratelimit(CLI::App& app, Runner& selected)
{
    auto o = std::make_shared<RateLimitOptions>();
    CLI::App* group = app.add_subcommand("ratelimit", "Rate limits: test (peek, load check, degraded), reset");
    group->require_subcommand(1);

    CLI::App* test = group->add_subcommand("test", "Hit or peek at a subject's limit; --requests checks atomicity");
    test->add_option("--resource", o->resource, "Limited resource (the {resource} of the key template)");
    test->add_option("--subject", o->subject, "User, IP or tenant (the {subject})");
    test->add_option("--limit", o->limit, "Hits allowed per window")->check(integer_in(config::k_limit_range));
    test->add_option("--window", o->window, "Window length, e.g. 10s, 1m")->check(duration_in(config::k_ttl_range));
    test->add_option("--algorithm", o->algorithm, "fixed-window (default), sliding-log or gcra")
        ->check(CLI::IsMember({"fixed-window", "sliding-log", "gcra"}));
    test->add_option("--burst", o->burst, "gcra: hits allowed at once (default: the limit)")
        ->check(integer_in({0, config::k_limit_range.max}));
    auto* peek = test->add_flag("--peek", o->peek, "Only read the state; exit 1 when limited now");
    auto* requests = test->add_option("--requests", o->requests, "Send this many hits and check the limit held exactly")
                         ->check(integer_in(config::k_requests_range))
                         ->excludes(peek);
    test->add_option("--concurrency", o->concurrency, "Connections (threads) sending the hits (default 1)")
        ->check(integer_in(config::k_concurrency_range))
        ->needs(requests);
    test->add_flag("--trace", o->trace, "With --requests: one JSON line per hit")->needs(requests);
    test->add_flag("--degraded", o->degraded, "The in-memory fallback limiter, no Redis (default 10 per 60 s)");
    test->callback([o, &selected] { selected = [o](Context& ctx) { return run_test(*o, ctx); }; });

    CLI::App* reset = group->add_subcommand("reset", "Clear a subject's limit state (UNLINK)");
    reset->add_option("--resource", o->resource, "Limited resource");
    auto* subject = reset->add_option("--subject", o->subject, "Subject to unblock");
    reset->add_flag("--all-subjects", o->all_subjects, "Every subject of the resource (SCAN)")->excludes(subject);
    reset->add_flag("--dry-run", o->dry_run, "With --all-subjects: list what would be reset, change nothing");
    reset->add_flag("-y,--yes", o->yes, "Do not ask (needed with --all-subjects off a TTY)");
    reset->callback([o, &selected] { selected = [o](Context& ctx) { return run_reset(*o, ctx); }; });
}

} // namespace redops::cli
