// What monitor --keys reports: keys per data kind from the last complete SCAN pass, and how old that pass is.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

struct KeyCount {
    std::string kind; // "token", ..., "user_index", "other"
    long long count = 0;
    long long without_ttl = 0; // of these, keys that had no expiry (PTTL -1) when read
};

// What the census reads besides the counts: the state of the layer that only redops knows how to judge.
struct LayerFigures {
    long long locks_held = 0; // lock keys alive when read
    // The most TTL any lock with an expiry has used up of the configured lock TTL (defaults.lock_ttl minus its
    // remaining PTTL, at least 0). A lock's value is a random owner token and Redis keeps no creation time, so
    // its age cannot be known: this is its age only for a lock taken with the configured TTL and never extended.
    // None: no lock with an expiry.
    std::optional<long long> lock_ttl_consumed_max_ms;
    long long tokens_in_safety_buffer = 0; // payload expiresAt in (now, now + safety buffer]
    long long tokens_expired = 0;          // payload expiresAt at or before now, the key still alive
    long long stale_index_entries = 0;     // user-index members whose session key is gone
};

struct KeyCensusReport {
    std::optional<std::vector<KeyCount>> counts; // the last complete pass; none until the first one completes
    LayerFigures layer;                          // from the same pass as counts (meaningful only with them)
    long long counted_at_ms = 0;                 // wall clock (epoch ms) when that pass finished
    bool exact = false;                          // the pass ran within this sample (--keys-exact, --once, --check)
    bool partial = false;                        // that pass stopped at its time budget: the counts are too low
    long long scanned = 0;                       // keys seen so far by the pass under way (0 when none is)
    std::string error;                           // why the last step failed; the pass starts over
};

// Seconds between the published pass and the sample at `sample_time_ms` (never negative); none before a pass.
std::optional<double> keys_age_s(const KeyCensusReport& report, long long sample_time_ms);

} // namespace redops::repo
