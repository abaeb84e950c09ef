// Bulk deletion of one kind's keys: SCAN every primary, keep only the keys that are provably ours, UNLINK them.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace redops::repo {

// Keys that matched the SCAN pattern but could also be read as another value's key (spec §6, key identity).
struct AmbiguousKeys {
    static constexpr std::size_t k_sample = 10;
    long long count = 0;
    std::vector<std::string> first; // the first k_sample of them
    void add(const std::string& key);
};

struct BulkDeleteResult {
    long long deleted = 0; // on a dry run: the keys that would be deleted
    AmbiguousKeys skipped_ambiguous;
    std::vector<std::pair<std::string, long long>> per_node; // node address, its count (every primary)
};

struct BulkDeleteRequest {
    const config::KeyTemplate& key_template;
    std::map<std::string, std::string> known; // the placeholder values asked for
    long long scan_count = 1000;
    bool dry_run = false;
    // Each batch of owned keys, with how many of them were deleted (0 on a dry run).
    std::function<void(const std::vector<std::string>& keys, long long deleted)> on_batch;
};

// One pass per primary: each batch's UNLINK rides with the next SCAN (grouped by slot in a cluster, so one
// multi-key UNLINK per slot). Every key is re-checked against the pattern and the template before anything is
// done to it; foreign keys are ignored, ambiguous ones skipped and reported. A failure part way throws the
// cause as Error::after with the count deleted so far, per node in a cluster.
BulkDeleteResult bulk_delete(redis::Client& client, const BulkDeleteRequest& request);

// The UNLINK argument lists for `keys`: all of them in one, or in a cluster one per slot (a multi-key command
// must stay within a slot).
std::vector<std::vector<std::string>> unlink_groups(const std::vector<std::string>& keys, bool cluster);

// UNLINKs keys the caller already knows (ids it was given or read): one multi-key UNLINK per slot, pipelined per
// node by the client, at most k_unlink_batch keys per pipeline. Adds how many existed to `deleted` as it goes,
// so after a failure (thrown as is) it holds the count so far.
inline constexpr std::size_t k_unlink_batch = 1000;
void unlink_keys(redis::Client& client, const std::vector<std::string>& keys, long long& deleted);

} // namespace redops::repo
