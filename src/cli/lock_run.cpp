// `redops lock run`: flock(1) for a fleet — hold a lock while a command's whole process group runs.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/lock_common.h"
#include "cli/lock_job.h"
#include "cli/lock_lease.h"
#include "cli/lock_renewal.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/json_fields.h"
#include "output/time_format.h"
#include "output/view.h"
#include "repo/lock_fence_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <exception>

namespace redops::cli {

namespace {

using output::Json;

struct RunOptions : LockTake {
    std::optional<std::chrono::milliseconds> kill_grace;
    int conflict_exit_code = k_exit_negative;
    bool kill_on_loss = false;
    std::vector<std::string> command;
};

constexpr std::chrono::seconds k_default_kill_grace{5};

struct Acquired {
    repo::AcquireResult lock;
    long long fence = 0;
    LeaseClock::time_point sent; // when the successful attempt was sent: the lease counts from here
};

Acquired acquire(const RunOptions& o, Context& ctx, std::chrono::milliseconds ttl, const std::string& owner,
                 std::optional<std::chrono::milliseconds> wait)
{
    const config::Settings& s = ctx.settings();
    repo::LockRepository locks(ctx.client(), s.keys.lock.value);
    repo::LockFenceRepository fences(ctx.client(), s.keys.lock.value, s.keys.lock_fence.value);
    Acquired a;
    a.lock = retry_acquire(
        [&] {
            a.sent = LeaseClock::now();
            if (!o.fence) {
                return locks.acquire(o.name, ttl, owner);
            }
            repo::FencedAcquireResult r = fences.acquire(o.name, ttl, owner);
            a.fence = r.fence;
            return r.lock;
        },
        wait);
    return a;
}

int report_conflict(const RunOptions& o, Context& ctx, const std::string& key, const repo::AcquireResult& r)
{
    auto& p = ctx.printer();
    output::render(p,
                   {Json{{"name", o.name},
                         {"key", key},
                         {"acquired", false},
                         {"owner", p.secret(r.owner)},
                         {"ttl_ms", output::ttl_or_null(r.holder_ttl_ms)},
                         {"ran", false}},
                    {}},
                   o.conflict_exit_code);
    p.note(fmt::format("lock \"{}\" is held by another owner, expires in {}; not running the command", o.name,
                       r.holder_ttl_ms == -1 ? std::string("never (no expiry)")
                                             : output::human_duration_ms(r.holder_ttl_ms)));
    return o.conflict_exit_code;
}

struct RunReport {
    const Acquired& acquired;
    const JobOutcome& job;
    const Lease& lease;
    bool released = false;
    long long held_ms = 0;
};

void report_run(const RunOptions& o, Context& ctx, const std::string& key, const RunReport& r)
{
    auto& p = ctx.printer();
    if (r.job.group_killed) {
        p.warn(fmt::format("the process group of the command got SIGKILL ({})",
                           r.lease.lost() && o.kill_on_loss ? "the lock was lost" : "it outlived the grace period"));
    }
    // As text the command's own output is the report; JSON adds one document after it.
    Json doc{{"name", o.name}, {"key", key}, {"acquired", true}, {"owner", p.secret(r.acquired.lock.owner)}};
    doc["fence"] = o.fence ? Json(r.acquired.fence) : Json(nullptr);
    doc["ran"] = r.job.ran;
    doc["exit_code"] = r.job.exit_code;
    doc["signal"] = r.job.signal != 0 ? Json(signal_name(r.job.signal)) : Json(nullptr);
    doc["renewals"] = r.lease.renewals();
    doc["lost"] = r.lease.lost();
    doc["lost_reason"] = r.lease.lost() ? Json(r.lease.lost_reason()) : Json(nullptr);
    doc["released"] = r.released;
    doc["held_ms"] = r.held_ms;
    output::render(p, {doc, {}}, r.job.exit_code);
}

std::vector<std::string> job_environment(const RunOptions& o, const Acquired& a)
{
    std::vector<std::string> env{"REDOPS_LOCK_OWNER=" + a.lock.owner};
    if (o.fence) {
        env.push_back(fmt::format("REDOPS_FENCING_TOKEN={}", a.fence));
    }
    return env;
}

// Runs the job under the lease; the lock is released only after the job's whole group has ended.
int hold_and_run(const RunOptions& o, Context& ctx, const std::string& key, const Acquired& acquired,
                 std::chrono::milliseconds ttl)
{
    const config::Settings& s = ctx.settings();
    auto grace = o.kill_grace.value_or(std::chrono::milliseconds(k_default_kill_grace));
    Lease lease(LeaseTiming::for_ttl(ttl, s.connection.command_timeout.value), acquired.sent);
    LeaseClients clients(s);
    HeldLock held{s.keys.lock.value, o.name, acquired.lock.owner};
    auto& p = ctx.printer();
    Job job(JobSpec{o.command, job_environment(o, acquired), grace, o.kill_on_loss}); // signals blocked from here
    Renewer renewer(lease, clients, held);
    JobOutcome outcome;
    std::exception_ptr failure; // rethrown only after the lock is released
    try {
        job.start();
        if (job.exec_error() != 0) {
            p.note(fmt::format("redops: cannot execute {}: {}", o.command[0], std::strerror(job.exec_error())));
        }
        renewer.start();
        outcome = job.supervise(lease, [&](const std::string& reason) {
            p.warn(fmt::format("lost lock \"{}\": {}{}", o.name, reason,
                               o.kill_on_loss ? "; terminating the command's process group" : ""));
        });
    } catch (...) {
        failure = std::current_exception();
    }
    std::unique_ptr<redis::Client> client = renewer.stop();
    auto held_end = lease.lost_at().value_or(LeaseClock::now());
    RunReport report{acquired, outcome, lease};
    report.held_ms = std::chrono::duration_cast<std::chrono::milliseconds>(held_end - acquired.sent).count();
    try {
        // The compare-and-delete leaves a lock someone else took in the meantime alone.
        report.released = release_with_reconnect(client, clients, held);
    } catch (const std::exception& e) {
        p.warn(fmt::format("could not release lock \"{}\" (it expires after its TTL): {}", o.name, e.what()));
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    report_run(o, ctx, key, report);
    return outcome.exit_code;
}

int run_lock(const RunOptions& o, Context& ctx)
{
    if (o.command.empty()) {
        throw Error(ErrorKind::usage, "lock run needs a command after --");
    }
    auto ttl = lock_ttl(ctx, o.ttl);
    const config::Settings& s = ctx.settings();
    std::string key = repo::LockRepository(ctx.client(), s.keys.lock.value).key_of(o.name);
    Acquired acquired = acquire(o, ctx, ttl, repo::new_owner_token(), o.wait);
    if (!acquired.lock.acquired) {
        return report_conflict(o, ctx, key, acquired.lock);
    }
    return hold_and_run(o, ctx, key, acquired, ttl);
}

} // namespace

void register_lock_run(CLI::App& lock, Runner& selected)
{
    auto run = add_command(lock, selected, "run",
                           "Run a command's whole process group while holding a lock, renewed every ttl/3", run_lock);
    add_examples(*run.app, {"redops lock run nightly-report --ttl 30s -- /opt/app/bin/report",
                            "redops lock run sync --quiet --fence --kill-on-loss -- /opt/app/bin/sync"});
    RunOptions& o = run.options;
    CLI::App& sub = *run.app;
    add_lock_take(sub, o, "Lock TTL, renewed every ttl/3 (default: defaults.lock_ttl)",
                  "Wait up to DUR for the lock instead of giving up at once");
    sub.add_option("command", o.command, "The command and its arguments, after --")->required();
    // 0 would make "held elsewhere" look like success; above 255 the shell sees it modulo 256.
    sub.add_option("--conflict-exit-code", o.conflict_exit_code, "Exit code when the lock is held (1-255, default 1)")
        ->check(integer_in(config::k_exit_code_range));
    sub.add_flag("--kill-on-loss", o.kill_on_loss,
                 "SIGTERM (then SIGKILL) the command's process group when the lock is lost, before it can expire");
    add_duration(sub, "--kill-grace", o.kill_grace,
                 "How long a signalled or finished command's group may take to end before SIGKILL (0s-1d, default 5s)",
                 config::k_wait_range);
    sub.add_flag("--fence", o.fence, "Take a fencing number with the lock: REDOPS_FENCING_TOKEN for the command");
}

} // namespace redops::cli
