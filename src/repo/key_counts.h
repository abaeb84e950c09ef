// What monitor --keys reports: keys per data kind from the last complete SCAN pass, and how old that pass is.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

struct KeyCount {
    std::string kind; // "token", ..., "user_index", "other"
    long long count = 0;
};

struct KeyCensusReport {
    std::optional<std::vector<KeyCount>> counts; // the last complete pass; none until the first one completes
    long long counted_at_ms = 0;                 // wall clock (epoch ms) when that pass finished
    bool exact = false;                          // the pass ran within this sample (--keys-exact, --once, --check)
    bool partial = false;                        // that pass stopped at its time budget: the counts are too low
    long long scanned = 0;                       // keys seen so far by the pass under way (0 when none is)
    std::string error;                           // why the last step failed; the pass starts over
};

// Seconds between the published pass and the sample at `sample_time_ms` (never negative); none before a pass.
std::optional<double> keys_age_s(const KeyCensusReport& report, long long sample_time_ms);

} // namespace redops::repo
