// What `ratelimit test` hits (Redis through a repository, or the in-memory fallback) and the concurrent load run.
#pragma once

#include "cli/context.h"
#include "repo/ratelimit_repository.h"

#include <memory>
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

struct LoadVerdict {
    long long expected_allowed = 0;
    bool exact = false; // no capacity could free up during the run
    bool ok = false;
};
// Did `allowed` of `requests` hits match what the state `before` permitted? Exact unless the window moved.
LoadVerdict judge_load(const repo::PeekResult& before, long long requests, long long allowed, long long elapsed_us);

// Peeks, sends the hits from the workers at once, reports; 0 when exactly the permitted number passed.
int run_load(HitTarget& target, const repo::LimitSpec& spec, const LoadPlan& plan, Context& ctx);

} // namespace redops::cli
