// `redops lock`: acquire, release, extend, inspect and list the services' distributed locks.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/lock_common.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "config/duration.h"
#include "output/json_fields.h"
#include "output/table.h"
#include "output/time_format.h"
#include "output/view.h"
#include "output/write_check.h"
#include "repo/lock_fence_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <thread>

namespace redops::cli {

namespace {

using output::Json;

struct AcquireOptions : LockTake {
    std::optional<std::string> owner;
};

struct ReleaseOptions {
    std::string name;
    std::optional<std::string> owner;
    bool force = false;
    bool yes = false;
};

struct ExtendOptions {
    std::string name;
    std::optional<std::string> owner;
    std::optional<std::chrono::milliseconds> ttl;
};

struct StatusOptions {
    std::string name;
};

struct ListOptions {
    std::string match;
};

repo::LockRepository repository(Context& ctx)
{
    return repo::LockRepository(ctx.client(), ctx.settings().keys.lock.value);
}

std::string ttl_text(long long ttl_ms)
{
    if (ttl_ms == -1) {
        return "no expiry";
    }
    return output::human_duration_ms(ttl_ms); // "-" for a key that is gone
}

std::string failure_message(repo::LockFailure reason, const std::string& name)
{
    return reason == repo::LockFailure::not_held ? fmt::format("lock \"{}\" is not held", name)
                                                 : fmt::format("lock \"{}\" is held by another owner", name);
}

const std::string& require_owner(const std::optional<std::string>& owner, std::string_view command)
{
    if (!owner || owner->empty()) {
        throw Error(ErrorKind::usage, fmt::format("lock {} needs --owner TOKEN", command));
    }
    return *owner;
}

// Where acquire ended up: the result, and the repository to undo it with (a new client after a lost reply).
struct Acquired {
    repo::AcquireResult result;
    std::string reply_lost; // why the SET's reply never came, when the lock was found ours over a new connection
    long long fence = 0;    // --fence: the fencing number taken with the lock
    std::unique_ptr<redis::Client> fresh_client;
    std::optional<repo::LockRepository> fresh_locks;
};

// The reply to SET was lost, but the server may have applied it: look over a NEW connection (the old one is
// unusable). Ours: acquired, and say so. Not ours: the original error, saying nothing is left to release. No
// answer at all: the error names the owner token, so the operator can still release the lock.
void recover_lost_reply(const repo::LockReplyLost& lost, Context& ctx, const std::string& name,
                        const std::string& owner, Acquired& out)
{
    repo::LockStatus status;
    try {
        out.fresh_client = ctx.client_factory().make();
        out.fresh_locks.emplace(*out.fresh_client, ctx.settings().keys.lock.value);
        status = out.fresh_locks->status(name);
    } catch (const Error& e) {
        throw Error(lost.kind(), fmt::format("{}; the lock may be held with owner token {} (release it with "
                                             "`redops lock release {} --owner {}`); checking over a new "
                                             "connection failed: {}",
                                             lost.what(), owner, name, owner, e.what()));
    }
    if (!status.held || status.owner != owner) {
        throw Error(lost.kind(), fmt::format("{}; checked over a new connection: the lock is not held by this "
                                             "owner token, nothing to release",
                                             lost.what()));
    }
    out.result.acquired = true;
    out.result.owner = owner;
    out.reply_lost = lost.what();
}

void print_acquire(const AcquireOptions& o, Context& ctx, const std::string& key, const std::string& owner,
                   std::chrono::milliseconds ttl, const Acquired& a)
{
    const repo::AcquireResult& r = a.result;
    auto& p = ctx.printer();
    if (!a.reply_lost.empty()) {
        p.warn(fmt::format("{}; a new connection shows the lock held by this owner token: acquired", a.reply_lost));
    }
    Json fields{{"name", o.name}, {"key", key}, {"acquired", r.acquired}};
    // Our own token is printed in full: it is what releases the lock. A holder's token stays masked.
    fields["owner"] = r.acquired ? r.owner : p.secret(r.owner);
    fields["ttl_ms"] = r.acquired ? Json(static_cast<long long>(ttl.count())) : output::ttl_or_null(r.holder_ttl_ms);
    if (o.fence) {
        fields["fence"] = r.acquired ? Json(a.fence) : Json(nullptr);
    }
    if (!a.reply_lost.empty()) {
        fields["reply_lost"] = true;
    }
    auto text = [&](output::Printer& out) {
        if (r.acquired) {
            out.line(r.owner); // alone on stdout so TOKEN=$(redops lock acquire NAME) works
            out.note(fmt::format("acquired {} for {}{}", key, ttl_text(ttl.count()),
                                 o.fence ? fmt::format(", fencing token {}", a.fence) : ""));
        } else if (r.owner == owner) {
            // Only possible with --owner: SET NX does not re-enter, and saying "another owner" would mislead.
            out.note(fmt::format("lock \"{}\" is already held by this owner token, expires in {}", o.name,
                                 ttl_text(r.holder_ttl_ms)));
        } else {
            out.note(fmt::format("lock \"{}\" is held by another owner ({}), expires in {}", o.name,
                                 out.secret(r.owner), ttl_text(r.holder_ttl_ms)));
        }
    };
    output::render(p, {fields, text}, r.acquired ? k_exit_ok : k_exit_negative);
    p.flush();
}

// --fence: the lock and the next fencing number in one script (repo::LockFenceRepository).
repo::AcquireResult acquire_fenced(const AcquireOptions& o, Context& ctx, std::chrono::milliseconds ttl,
                                   const std::string& owner, std::optional<std::chrono::milliseconds> wait,
                                   long long& fence)
{
    const auto& keys = ctx.settings().keys;
    repo::LockFenceRepository fences(ctx.client(), keys.lock.value, keys.lock_fence.value);
    return retry_acquire(
        [&] {
            repo::FencedAcquireResult r = fences.acquire(o.name, ttl, owner);
            fence = r.fence;
            return r.lock;
        },
        wait);
}

int run_acquire(const AcquireOptions& o, Context& ctx)
{
    auto ttl = lock_ttl(ctx, o.ttl);
    std::string owner = o.owner ? *o.owner : repo::new_owner_token();
    if (owner.empty()) {
        throw Error(ErrorKind::usage, "--owner must not be empty");
    }
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    ctx.client(); // connect first: a failure to connect is not a lost reply
    Acquired a;
    try {
        a.result = o.fence ? acquire_fenced(o, ctx, ttl, owner, o.wait, a.fence)
                           : acquire_with_wait(locks, o.name, ttl, owner, o.wait);
    } catch (const repo::LockReplyLost& lost) {
        recover_lost_reply(lost, ctx, o.name, owner, a);
    }
    try {
        print_acquire(o, ctx, key, owner, ttl, a);
    } catch (const output::OutputError& e) {
        if (!a.result.acquired) {
            throw;
        }
        // Nobody could learn the owner token: give the lock back rather than leave it held until its TTL.
        repo::LockRepository& undo = a.fresh_locks ? *a.fresh_locks : locks;
        std::string undone;
        try {
            undone = undo.release(o.name, owner).released ? "released it again" : "found it no longer ours to release";
        } catch (const Error& release_error) {
            undone = fmt::format("could not release it either ({}); it expires after its TTL", release_error.what());
        }
        throw output::OutputError(fmt::format("{}; the owner token of {} could not be reported, so redops {}", e.what(),
                                              key, undone),
                                  e.error_number());
    }
    return a.result.acquired ? k_exit_ok : k_exit_negative;
}

int run_force_release(const ReleaseOptions& o, Context& ctx)
{
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    if (!o.yes && !ctx.terminal().stdin_is_tty) {
        throw Error(ErrorKind::usage, fmt::format("refusing to force-release {} off a terminal without --yes", key));
    }
    if (!ctx.confirm(fmt::format("Force-release {} on {}, whoever holds it?", key, ctx.target_text()), o.yes)) {
        // Declining is the operator's "no", answered like the refusal off a terminal: exit 2.
        throw Error(ErrorKind::usage, fmt::format("not confirmed; {} not released", key));
    }
    std::optional<std::string> removed = locks.force_release(o.name);
    auto& p = ctx.printer();
    Json fields{{"name", o.name}, {"key", key}, {"released", removed.has_value()}};
    fields["owner"] = removed ? Json(p.secret(*removed)) : Json(nullptr);
    if (!removed) {
        fields["reason"] = "not_held";
    }
    auto text = [&](output::Printer& out) {
        if (removed) {
            out.line(fmt::format("released {} (owner {})", key, out.secret(*removed)));
        } else {
            out.note(failure_message(repo::LockFailure::not_held, o.name));
        }
    };
    return output::render(p, {fields, text}, removed ? k_exit_ok : k_exit_negative);
}

int run_release(const ReleaseOptions& o, Context& ctx)
{
    if (o.force) {
        return run_force_release(o, ctx);
    }
    const std::string& owner = require_owner(o.owner, "release");
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::ReleaseResult r = locks.release(o.name, owner);
    Json fields{{"name", o.name}, {"key", key}, {"released", r.released}};
    if (!r.released) {
        fields["reason"] = repo::failure_name(r.reason);
    }
    auto text = [&](output::Printer& out) {
        if (r.released) {
            out.line(fmt::format("released {}", key));
        } else {
            out.note(failure_message(r.reason, o.name));
        }
    };
    return output::render(ctx.printer(), {fields, text}, r.released ? k_exit_ok : k_exit_negative);
}

int run_extend(const ExtendOptions& o, Context& ctx)
{
    const std::string& owner = require_owner(o.owner, "extend");
    auto ttl = lock_ttl(ctx, o.ttl);
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::ExtendResult r = locks.extend(o.name, owner, ttl);
    Json fields{{"name", o.name}, {"key", key}, {"extended", r.extended}};
    if (r.extended) {
        fields["ttl_ms"] = static_cast<long long>(ttl.count());
    } else {
        fields["reason"] = repo::failure_name(r.reason);
    }
    auto text = [&](output::Printer& out) {
        if (r.extended) {
            out.line(fmt::format("extended {} to {}", key, ttl_text(ttl.count())));
        } else {
            out.note(failure_message(r.reason, o.name));
        }
    };
    return output::render(ctx.printer(), {fields, text}, r.extended ? k_exit_ok : k_exit_negative);
}

int run_status(const StatusOptions& o, Context& ctx)
{
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::LockStatus s = locks.status(o.name);
    const auto& keys = ctx.settings().keys;
    // The last fencing number handed out (lock acquire/run --fence), whether or not the lock is held now.
    std::optional<long long> fence = repo::LockFenceRepository(ctx.client(), keys.lock.value, keys.lock_fence.value)
                                         .current(o.name);
    auto& p = ctx.printer();
    Json fields{{"name", o.name}, {"key", key}, {"held", s.held}};
    fields["owner"] = s.held ? Json(p.secret(s.owner)) : Json(nullptr);
    fields["ttl_ms"] = s.held ? output::ttl_or_null(s.ttl_ms) : Json(nullptr);
    fields["fence"] = fence ? Json(*fence) : Json(nullptr);
    auto text = [&](output::Printer& out) {
        output::Table table({"NAME", "KEY", "HELD", "OWNER", "TTL", "FENCE"});
        table.add_row({{o.name},
                       {key},
                       {s.held ? "yes" : "no", s.held ? output::Color::yellow : output::Color::green},
                       {s.held ? out.secret(s.owner) : "-"},
                       {s.held ? ttl_text(s.ttl_ms) : "-"},
                       {fence ? std::to_string(*fence) : "-"}});
        out.table(table);
    };
    return output::render(p, {fields, text}, s.held ? k_exit_ok : k_exit_negative);
}

int run_list(const ListOptions& o, Context& ctx)
{
    auto& p = ctx.printer();
    InterruptScope graceful; // Ctrl-C ends the listing between two pages, still one valid document
    output::Listing listing(p, "locks", {"NAME", "KEY", "OWNER", "TTL"});
    listing.align_right(3);
    long long total = 0;
    repository(ctx).list(o.match, ctx.settings().defaults.scan_count.value, [&](const repo::LockEntry& e) {
        listing.add(
            [&] {
                return Json{{"name", e.name},
                            {"key", e.key},
                            {"owner", p.secret(e.owner)},
                            {"ttl_ms", output::ttl_or_null(e.ttl_ms)}};
            },
            [&] {
                return std::vector<std::string>{e.name, e.key, p.secret(e.owner), ttl_text(e.ttl_ms)};
            });
        ++total;
    });
    return listing.finish(k_exit_ok, Json{{"count", total}});
}

// The lock's name: the first argument of every subcommand but list.
void add_name(CLI::App& app, std::string& name)
{
    app.add_option("name", name, "Lock name (the {name} of the lock key template)")->required();
}

} // namespace

void add_lock_take(CLI::App& app, LockTake& take, const std::string& ttl_help, const std::string& wait_help)
{
    add_name(app, take.name);
    add_duration(app, "--ttl", take.ttl, ttl_help, config::k_ttl_range);
    add_duration(app, "--wait", take.wait, wait_help, config::k_wait_range);
}

std::chrono::milliseconds lock_ttl(Context& ctx, const std::optional<std::chrono::milliseconds>& flag)
{
    auto ttl = flag.value_or(ctx.settings().defaults.lock_ttl.value);
    if (ttl.count() <= 0) {
        throw Error(ErrorKind::usage, "--ttl must be positive");
    }
    return ttl;
}

repo::AcquireResult acquire_with_wait(repo::LockRepository& locks, const std::string& name,
                                      std::chrono::milliseconds ttl, const std::string& owner,
                                      std::optional<std::chrono::milliseconds> wait)
{
    return retry_acquire([&] { return locks.acquire(name, ttl, owner); }, wait);
}

repo::AcquireResult retry_acquire(const std::function<repo::AcquireResult()>& attempt,
                                  std::optional<std::chrono::milliseconds> wait)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + wait.value_or(std::chrono::milliseconds(0));
    std::mt19937_64 rng(std::random_device{}());
    std::chrono::milliseconds backoff(50);
    const std::chrono::milliseconds cap(1000);
    while (true) {
        repo::AcquireResult r = attempt();
        auto now = Clock::now();
        if (r.acquired || !wait || now >= deadline) {
            return r;
        }
        // "Equal jitter": a pause in [backoff/2, backoff], so a crowd of waiters does not retry in lock-step.
        std::uniform_int_distribution<long long> jitter(backoff.count() / 2, backoff.count());
        auto pause = std::chrono::milliseconds(jitter(rng));
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        std::this_thread::sleep_for(std::min(pause, left));
        backoff = std::min(backoff * 2, cap);
    }
}

void register_lock(CLI::App& app, Runner& selected)
{
    CLI::App* lock = add_group(app, "lock", "Distributed locks: acquire, release, extend, status, list, run");
    add_examples(*lock, {"redops lock status deploy", "redops lock run nightly-report --ttl 30s -- ./report.sh"});

    auto acquire = add_command(*lock, selected, "acquire", "Take a lock (SET NX PX); prints the owner token",
                               run_acquire);
    add_examples(*acquire.app, {"token=$(redops lock acquire deploy --ttl 10m --wait 2m) || exit 1",
                                "redops lock acquire deploy --ttl 30s --json"});
    add_lock_take(*acquire.app, acquire.options, "Lock TTL, e.g. 30s (default: defaults.lock_ttl)",
                  "Retry with back-off for up to DUR while another owner holds it");
    acquire.app->add_option("--owner", acquire.options.owner, "Owner token to use (default: a random UUID)");
    acquire.app->add_flag("--fence", acquire.options.fence,
                          "Also take the next fencing number, atomically (in --json: fence)");

    auto release = add_command(*lock, selected, "release", "Release a lock you own, or --force a stuck one",
                               run_release);
    add_examples(*release.app, {"redops lock release deploy --owner \"$token\"",
                                "redops lock release tenant-refresh:acme --force --yes"});
    add_name(*release.app, release.options.name);
    auto* owner = release.app->add_option("--owner", release.options.owner, "The owner token printed by acquire");
    release.app->add_flag("--force", release.options.force, "Delete the lock whoever holds it (asks on a TTY)")
        ->excludes(owner);
    add_yes(*release.app, release.options.yes, "Do not ask (needed with --force off a TTY)");

    auto extend = add_command(*lock, selected, "extend", "Reset the TTL of a lock you own", run_extend);
    add_examples(*extend.app, {"redops lock extend deploy --owner \"$token\" --ttl 10m",
                               "redops lock extend deploy --owner \"$token\" --ttl 30s --json"});
    add_name(*extend.app, extend.options.name);
    extend.app->add_option("--owner", extend.options.owner, "The owner token printed by acquire");
    add_duration(*extend.app, "--ttl", extend.options.ttl, "New TTL from now, e.g. 30s", config::k_ttl_range)
        ->required();

    auto status = add_command(*lock, selected, "status", "Whether a lock is held, by whom (masked) and for how long",
                              run_status);
    add_examples(*status.app, {"redops lock status deploy", "redops lock status deploy -o json"});
    add_name(*status.app, status.options.name);

    auto list = add_command(*lock, selected, "list", "Stream the locks that are held (SCAN)", run_list);
    add_examples(*list.app, {"redops lock list", "redops lock list --match 'token-refresh:*' --json"});
    list.app->add_option("--match", list.options.match, "Glob on lock names (raw MATCH syntax), e.g. 'report-*'");

    register_lock_run(*lock, selected);
}

} // namespace redops::cli
