// The doctor's repairs: each one Lua script that re-checks the key is exactly as the scan saw it, then writes.
#pragma once

#include "redis/client.h"
#include "repo/doctor_types.h"

#include <functional>
#include <vector>

namespace redops::repo {

// Applies the repairs in pipelined batches. A repair whose key changed since the scan (another type, another
// value, a TTL set or changed, the member added or removed, the session key come or gone) is skipped and
// counted; an error reply is counted as failed with its text. The only writes are the repairs' own.
// The session key an SREM/SADD depends on is checked inside the script when it can be (not a cluster, or the
// same slot); otherwise with EXISTS just before, and the script checks the index alone.
// A signal (common/interrupt) stops it before the next batch: the report then holds the batches applied so far,
// and interrupt_signal() tells the caller why.
RepairReport apply_repairs(redis::Client& client, const std::vector<Repair>& repairs,
                           const std::function<void(long long done)>& progress = {});

} // namespace redops::repo
