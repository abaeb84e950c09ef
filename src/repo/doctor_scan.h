// The doctor's one bounded SCAN pass over every primary: keys classified by the templates, state read in
// pipelined batches only where a check needs it, session/index cross-checks batched per SCAN batch.
#pragma once

#include "config/settings.h"
#include "redis/client.h"
#include "repo/doctor_audit.h"
#include "repo/doctor_types.h"

#include <functional>

namespace redops::repo {

// Called after each SCAN batch with the keys scanned so far (a progress line on a TTY).
using DoctorProgress = std::function<void(long long scanned)>;

// Scans the whole keyspace once and returns the findings (and, with options.plan_repairs, the repairs).
// Reads only: SCAN, TYPE, PTTL, GETRANGE, STRLEN, MEMORY USAGE, SSCAN, SISMEMBER. Error replies other than a key that
// moved (MOVED/ASK: counted as vanished) are thrown as ServerError; lost connections as their Error.
// A signal (common/interrupt) ends it between two batches, or after the last one, as Error(interrupted).
DoctorReport doctor_scan(redis::Client& client, const config::KeyTemplates& templates, const DoctorOptions& options,
                         const DoctorProgress& progress = {});

} // namespace redops::repo
