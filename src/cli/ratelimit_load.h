// What `ratelimit test` hits (Redis through a repository, or the in-memory fallback) and the concurrent load run.
#pragma once

#include "cli/context.h"
#include "repo/ratelimit_repository.h"

#include <memory>
#include <optional>
#include <string>

namespace redops::cli {

// One limiter seen from `worker` threads; hit() is called from worker `thread` only (each may own a connection).
class HitTarget {
public:
    virtual ~HitTarget() = default;
    virtual const std::string& key() const = 0;
    virtual repo::PeekResult peek() = 0;
    // Prepares `workers` independent workers before a load run (e.g. one connection each).
    virtual void open_workers(long long workers) = 0;
    virtual repo::HitResult hit(long long worker) = 0;
    // Client slots the server(s) have left (maxclients less connected clients); none when not known.
    virtual std::optional<long long> free_client_slots() = 0;
};

std::unique_ptr<HitTarget> make_redis_target(Context& ctx, const std::string& resource, const std::string& subject,
                                             const repo::LimitSpec& spec);
std::unique_ptr<HitTarget> make_degraded_target(const std::string& resource, const std::string& subject,
                                                const repo::LimitSpec& spec);

struct LoadPlan {
    long long requests = 1;
    long long concurrency = 1;
    bool trace = false;
    bool degraded = false;
};

// What a load run proves about the limiter, judged with the server's own counts before and after the run.
enum class Verdict {
    held,      // the limiter admitted what the state before allowed: exit 0
    broken,    // it admitted more than it had, or denied while it still had capacity: exit 1
    no_verdict // another client changed the subject's state in a way this run cannot see through: exit 5
};

struct LoadVerdict {
    long long expected_allowed = 0; // what this run alone should have been admitted
    long long server_admitted = 0;  // every admission the state shows during the run (this run's and others')
    long long others = 0;           // admissions by other clients during the run (a lower bound when not exact)
    bool exact = false;             // no capacity could free up during the run
    bool shared = false;            // another client hit (or reset) the subject during the run
    Verdict verdict = Verdict::broken;
    std::string reason;
};
// Judges `allowed` of `requests` hits against the state `before` and `after` the run. Exact unless the window
// moved. Other clients hitting the same subject are seen in `after.current`: the run is judged on the whole
// (never more than the capacity admitted, no denial while capacity was left), not on its own share.
LoadVerdict judge_load(const repo::PeekResult& before, const repo::PeekResult& after, long long requests,
                       long long allowed, long long elapsed_us);

// The most connections a load run opens against a server with `free_slots` client slots left: a quarter of
// them (at least 1), so that a test never crowds out the services sharing the server.
long long concurrency_cap(long long requested, std::optional<long long> free_slots);

// Peeks, sends the hits from the workers at once, reports; 0 held, 1 broken, 5 no verdict (k_exit_no_verdict).
int run_load(HitTarget& target, const repo::LimitSpec& spec, const LoadPlan& plan, Context& ctx);

} // namespace redops::cli
