// Rate limits as the services keep them: fixed-window, sliding-log and GCRA, each one atomic Lua script.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"
#include "repo/bulk_delete.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace redops::repo {

enum class Algorithm { fixed_window, sliding_log, gcra };

// "fixed-window" / "sliding-log" / "gcra"; an unknown name -> Error(usage).
Algorithm parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm algorithm);

struct LimitSpec {
    Algorithm algorithm = Algorithm::fixed_window;
    long long limit = 0;
    std::chrono::milliseconds window{0};
    long long burst = 0; // gcra only: hits allowed at once (0: the limit)
};

// The outcome of one consuming hit, in the same shape for every algorithm.
struct HitResult {
    bool limited = false;
    long long capacity = 0;  // hits allowed at once (the limit; gcra: the burst)
    long long current = 0;   // units in use after the hit
    long long remaining = 0; // hits still allowed now
    // Until the state is back to empty (fixed-window: the key's TTL); none for a key that never expires.
    std::optional<long long> reset_in_ms;
    // Until the next hit could pass: set exactly when limited.
    std::optional<long long> retry_after_ms;
};

// Read-only state: nothing is consumed.
struct PeekResult {
    bool exists = false;
    bool limited = false;
    bool no_ttl = false; // the key exists without an expiry: it would block the subject forever
    long long capacity = 0;
    long long current = 0;
    long long remaining = 0;
    // Until the state is back to empty; none when the key never expires (no_ttl).
    std::optional<long long> reset_in_ms;
    long long next_free_in_ms = 0; // until one more unit of capacity frees up (-1: never)
};

// GCRA arithmetic in microseconds, shared by the peek and the unit tests (the hit script mirrors it).
struct GcraState {
    long long remaining = 0;
    long long reset_after_us = 0;
    long long retry_after_us = -1;
    bool limited = false;
};
long long gcra_interval_us(const LimitSpec& spec);
long long gcra_burst(const LimitSpec& spec);
// State at `now_us` of a key whose theoretical arrival time is `tat_us` (<= now: empty), without a hit.
GcraState gcra_peek(long long tat_us, long long now_us, long long interval_us, long long burst);

class RateLimitRepository {
public:
    RateLimitRepository(redis::Client& client, const config::KeyTemplate& key_template)
        : m_client(client), m_template(key_template)
    {
    }

    std::string key_of(std::string_view resource, std::string_view subject) const;
    // Error(data) naming the key, and nothing written, when it holds another algorithm's state (or another type).
    HitResult hit(std::string_view resource, std::string_view subject, const LimitSpec& spec);
    // Error(data) as hit() when the key holds another algorithm's state: a peek never reads it as its own.
    PeekResult peek(std::string_view resource, std::string_view subject, const LimitSpec& spec);
    // UNLINKs the subject's state; true when there was some.
    bool reset(std::string_view resource, std::string_view subject);
    // UNLINKs every subject of a resource (SCAN with the resource glob-escaped); the number of keys removed.
    // Every subject of the resource whose key is provably this resource's (ambiguous keys are skipped).
    // on_batch gets each batch of owned keys and how many of them were deleted (0 on a dry run).
    BulkDeleteResult reset_all(std::string_view resource, long long scan_count, bool dry_run = false,
                               const std::function<void(const std::vector<std::string>&, long long)>& on_batch = {});
    // The SCAN pattern reset_all uses (what a prompt shows).
    std::string reset_pattern(std::string_view resource) const;

private:
    void require_state(const std::string& key, Algorithm algorithm);

    redis::Client& m_client;
    const config::KeyTemplate& m_template;
};

} // namespace redops::repo
