// `redops lock`: acquire, release, extend, inspect and list the services' distributed locks.
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/lock_common.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/json_fields.h"
#include "output/table.h"
#include "output/time_format.h"
#include "output/write_check.h"
#include "repo/lock_fence_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <thread>

namespace redops::cli {

namespace {

using Json = nlohmann::ordered_json;

struct LockOptions {
    std::string name;
    std::optional<std::string> ttl;
    std::optional<std::string> wait;
    std::optional<std::string> owner;
    bool force = false;
    bool yes = false;
    bool fence = false;
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

const std::string& require_owner(const LockOptions& o, std::string_view command)
{
    if (!o.owner || o.owner->empty()) {
        throw Error(ErrorKind::usage, fmt::format("lock {} needs --owner TOKEN", command));
    }
    return *o.owner;
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

void print_acquire(const LockOptions& o, Context& ctx, const std::string& key, const std::string& owner,
                   std::chrono::milliseconds ttl, const Acquired& a)
{
    const repo::AcquireResult& r = a.result;
    auto& p = ctx.printer();
    if (!a.reply_lost.empty()) {
        p.warn(fmt::format("{}; a new connection shows the lock held by this owner token: acquired", a.reply_lost));
    }
    if (p.json()) {
        Json doc{{"ok", r.acquired}, {"name", o.name}, {"key", key}, {"acquired", r.acquired}};
        // Our own token is printed in full: it is what releases the lock. A holder's token stays masked.
        doc["owner"] = r.acquired ? r.owner : p.secret(r.owner);
        doc["ttl_ms"] = r.acquired ? Json(static_cast<long long>(ttl.count())) : output::ttl_or_null(r.holder_ttl_ms);
        if (o.fence) {
            doc["fence"] = r.acquired ? Json(a.fence) : Json(nullptr);
        }
        if (!a.reply_lost.empty()) {
            doc["reply_lost"] = true;
        }
        p.json_document(doc);
    } else if (r.acquired) {
        p.line(r.owner); // alone on stdout so TOKEN=$(redops lock acquire NAME) works
        p.note(fmt::format("acquired {} for {}{}", key, ttl_text(ttl.count()),
                           o.fence ? fmt::format(", fencing token {}", a.fence) : ""));
    } else if (r.owner == owner) {
        // Only possible with --owner: SET NX does not re-enter, and saying "another owner" would mislead.
        p.note(fmt::format("lock \"{}\" is already held by this owner token, expires in {}", o.name,
                           ttl_text(r.holder_ttl_ms)));
    } else {
        p.note(fmt::format("lock \"{}\" is held by another owner ({}), expires in {}", o.name, p.secret(r.owner),
                           ttl_text(r.holder_ttl_ms)));
    }
    p.flush();
}

// --fence: the lock and the next fencing number in one script (repo::LockFenceRepository).
repo::AcquireResult acquire_fenced(const LockOptions& o, Context& ctx, std::chrono::milliseconds ttl,
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

int run_acquire(const LockOptions& o, Context& ctx)
{
    auto ttl = lock_ttl(ctx, o.ttl);
    std::optional<std::chrono::milliseconds> wait;
    if (o.wait) {
        wait = config::parse_duration(*o.wait);
    }
    std::string owner = o.owner ? *o.owner : repo::new_owner_token();
    if (owner.empty()) {
        throw Error(ErrorKind::usage, "--owner must not be empty");
    }
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    ctx.client(); // connect first: a failure to connect is not a lost reply
    Acquired a;
    try {
        a.result = o.fence ? acquire_fenced(o, ctx, ttl, owner, wait, a.fence)
                           : acquire_with_wait(locks, o.name, ttl, owner, wait);
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
        throw output::OutputError(fmt::format("{}; the owner token of {} could not be reported, so redops {}",
                                              e.what(), key, undone),
                                  e.error_number());
    }
    return a.result.acquired ? k_exit_ok : k_exit_negative;
}

int run_force_release(const LockOptions& o, Context& ctx)
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
    if (p.json()) {
        Json doc{{"ok", removed.has_value()}, {"name", o.name}, {"key", key}, {"released", removed.has_value()}};
        doc["owner"] = removed ? Json(p.secret(*removed)) : Json(nullptr);
        if (!removed) {
            doc["reason"] = "not_held";
        }
        p.json_document(doc);
    } else if (removed) {
        p.line(fmt::format("released {} (owner {})", key, p.secret(*removed)));
    } else {
        p.note(failure_message(repo::LockFailure::not_held, o.name));
    }
    return removed ? k_exit_ok : k_exit_negative;
}

int run_release(const LockOptions& o, Context& ctx)
{
    if (o.force) {
        if (o.owner) {
            throw Error(ErrorKind::usage, "use either --owner or --force, not both");
        }
        return run_force_release(o, ctx);
    }
    const std::string& owner = require_owner(o, "release");
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::ReleaseResult r = locks.release(o.name, owner);
    auto& p = ctx.printer();
    if (p.json()) {
        Json doc{{"ok", r.released}, {"name", o.name}, {"key", key}, {"released", r.released}};
        if (!r.released) {
            doc["reason"] = repo::failure_name(r.reason);
        }
        p.json_document(doc);
    } else if (r.released) {
        p.line(fmt::format("released {}", key));
    } else {
        p.note(failure_message(r.reason, o.name));
    }
    return r.released ? k_exit_ok : k_exit_negative;
}

int run_extend(const LockOptions& o, Context& ctx)
{
    const std::string& owner = require_owner(o, "extend");
    if (!o.ttl) {
        throw Error(ErrorKind::usage, "lock extend needs --ttl DUR");
    }
    auto ttl = lock_ttl(ctx, o.ttl);
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::ExtendResult r = locks.extend(o.name, owner, ttl);
    auto& p = ctx.printer();
    if (p.json()) {
        Json doc{{"ok", r.extended}, {"name", o.name}, {"key", key}, {"extended", r.extended}};
        if (r.extended) {
            doc["ttl_ms"] = static_cast<long long>(ttl.count());
        } else {
            doc["reason"] = repo::failure_name(r.reason);
        }
        p.json_document(doc);
    } else if (r.extended) {
        p.line(fmt::format("extended {} to {}", key, ttl_text(ttl.count())));
    } else {
        p.note(failure_message(r.reason, o.name));
    }
    return r.extended ? k_exit_ok : k_exit_negative;
}

int run_status(const LockOptions& o, Context& ctx)
{
    auto locks = repository(ctx);
    std::string key = locks.key_of(o.name);
    repo::LockStatus s = locks.status(o.name);
    const auto& keys = ctx.settings().keys;
    // The last fencing number handed out (lock acquire/run --fence), whether or not the lock is held now.
    std::optional<long long> fence =
        repo::LockFenceRepository(ctx.client(), keys.lock.value, keys.lock_fence.value).current(o.name);
    auto& p = ctx.printer();
    if (p.json()) {
        Json doc{{"ok", s.held}, {"name", o.name}, {"key", key}, {"held", s.held}};
        doc["owner"] = s.held ? Json(p.secret(s.owner)) : Json(nullptr);
        doc["ttl_ms"] = s.held ? output::ttl_or_null(s.ttl_ms) : Json(nullptr);
        doc["fence"] = fence ? Json(*fence) : Json(nullptr);
        p.json_document(doc);
    } else {
        output::Table table({"NAME", "KEY", "HELD", "OWNER", "TTL", "FENCE"});
        table.add_row({{o.name}, {key}, {s.held ? "yes" : "no", s.held ? output::Color::yellow : output::Color::green},
                       {s.held ? p.secret(s.owner) : "-"}, {s.held ? ttl_text(s.ttl_ms) : "-"},
                       {fence ? std::to_string(*fence) : "-"}});
        p.table(table);
    }
    return s.held ? k_exit_ok : k_exit_negative;
}

int run_list(const LockOptions& o, Context& ctx)
{
    auto locks = repository(ctx);
    long long count = ctx.settings().defaults.scan_count.value;
    auto& p = ctx.printer();
    if (p.json()) {
        output::JsonStream& stream = p.json_stream();
        stream.begin_array("locks");
        long long total = 0;
        locks.list(o.match, count, [&](const repo::LockEntry& e) {
            stream.item(Json{{"name", e.name}, {"key", e.key}, {"owner", p.secret(e.owner)}, {"ttl_ms", output::ttl_or_null(e.ttl_ms)}});
            ++total;
        });
        stream.end_array();
        stream.field("count", total);
        stream.field("ok", true);
        stream.finish();
        return k_exit_ok;
    }
    output::StreamingTable table = p.streaming_table({"NAME", "KEY", "OWNER", "TTL"});
    table.align_right(3);
    locks.list(o.match, count, [&](const repo::LockEntry& e) {
        table.add_row({e.name, e.key, p.secret(e.owner), ttl_text(e.ttl_ms)});
    });
    table.finish();
    return k_exit_ok;
}

using LockRunner = int (*)(const LockOptions&, Context&);

CLI::App* add_lock_command(CLI::App& lock, Runner& selected, const std::string& name, const std::string& help,
                           const std::shared_ptr<LockOptions>& options, LockRunner runner)
{
    CLI::App* sub = lock.add_subcommand(name, help);
    if (name != "list") {
        sub->add_option("name", options->name, "Lock name (the {name} of the lock key template)")->required();
    }
    sub->callback([options, runner, &selected] {
        selected = [options, runner](Context& ctx) { return runner(*options, ctx); };
    });
    return sub;
}

} // namespace

std::chrono::milliseconds lock_ttl(Context& ctx, const std::optional<std::string>& flag)
{
    auto ttl = flag ? config::parse_duration(*flag) : ctx.settings().defaults.lock_ttl.value;
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
    CLI::App* lock = app.add_subcommand("lock", "Distributed locks: acquire, release, extend, status, list, run");
    lock->require_subcommand(1);

    auto acquire = std::make_shared<LockOptions>();
    CLI::App* a = add_lock_command(*lock, selected, "acquire", "Take a lock (SET NX PX); prints the owner token",
                                   acquire, run_acquire);
    a->add_option("--ttl", acquire->ttl, "Lock TTL, e.g. 30s (default: defaults.lock_ttl)")->check(duration_in(config::k_ttl_range));
    a->add_option("--wait", acquire->wait, "Retry with back-off for up to DUR while another owner holds it")
        ->check(duration_in(config::k_wait_range));
    a->add_option("--owner", acquire->owner, "Owner token to use (default: a random UUID)");
    a->add_flag("--fence", acquire->fence, "Also take the next fencing number, atomically (in --json: fence)");

    auto release = std::make_shared<LockOptions>();
    CLI::App* r = add_lock_command(*lock, selected, "release", "Release a lock you own, or --force a stuck one",
                                   release, run_release);
    auto* owner = r->add_option("--owner", release->owner, "The owner token printed by acquire");
    r->add_flag("--force", release->force, "Delete the lock whoever holds it (asks on a TTY)")->excludes(owner);
    r->add_flag("-y,--yes", release->yes, "Do not ask (needed with --force off a TTY)");

    auto extend = std::make_shared<LockOptions>();
    CLI::App* e = add_lock_command(*lock, selected, "extend", "Reset the TTL of a lock you own", extend, run_extend);
    e->add_option("--owner", extend->owner, "The owner token printed by acquire");
    e->add_option("--ttl", extend->ttl, "New TTL from now, e.g. 30s")->check(duration_in(config::k_ttl_range));

    auto status = std::make_shared<LockOptions>();
    add_lock_command(*lock, selected, "status", "Whether a lock is held, by whom (masked) and for how long", status,
                     run_status);

    auto list = std::make_shared<LockOptions>();
    CLI::App* l = add_lock_command(*lock, selected, "list", "Stream the locks that are held (SCAN)", list, run_list);
    l->add_option("--match", list->match, "Glob on lock names (raw MATCH syntax), e.g. 'report-*'");

    register_lock_run(*lock, selected);
}

} // namespace redops::cli
