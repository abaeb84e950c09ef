// What `redops doctor` finds and repairs: the checks, their findings, the planned repairs and their outcome.
#pragma once

#include "repo/bulk_delete.h"

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace redops::repo {

// The checks, in the order reports list them.
enum class DoctorCheck {
    no_ttl,
    token_expired,
    token_ttl_too_long,
    malformed,
    wrong_type,
    stale_index_entry,
    unindexed_session,
    index_ttl_short,
    lock_ttl_long,
    big_key,
    unknown_prefix,
};
inline constexpr std::size_t k_doctor_check_count = 11;

std::string_view check_name(DoctorCheck check); // "no_ttl"
const std::array<DoctorCheck, k_doctor_check_count>& all_checks();
bool parse_check(std::string_view name, DoctorCheck& check); // false for an unknown name

// What the scan needs to know besides the key templates.
struct DoctorOptions {
    std::vector<std::string> kinds; // the kinds to audit ("token", ...); empty: all
    long long scan_count = 1000;
    std::size_t examples = 3;              // example keys kept per check
    long long big_key_bytes = 1024 * 1024; // 0: no big_key check (and no MEMORY USAGE at all)
    long long memory_samples = 5;          // MEMORY USAGE ... SAMPLES
    std::chrono::milliseconds max_lock_ttl{3'600'000};
    long long token_safety_buffer_ms = 300'000;
    // no_ttl repairs: the TTL each kind gets (0: that kind's no_ttl finding has no repair, e.g. ratelimit
    // without --window)
    std::chrono::milliseconds lock_ttl{30'000};
    std::chrono::milliseconds dedupe_ttl{86'400'000};
    std::chrono::milliseconds session_ttl{86'400'000};
    std::chrono::milliseconds session_remember_ttl{90LL * 86'400'000};
    std::chrono::milliseconds ratelimit_window{0};
    bool plan_repairs = false;     // --fix: keep a repair for each fixable finding
    bool delete_malformed = false; // --fix --delete-malformed
};

// One example of a finding. Session ids are secrets: `key_secret` is the part of `key` that is one (the view
// masks it), `member` an index member (always a session id). `detail` never holds a secret.
struct DoctorExample {
    std::string key;
    std::string key_secret;
    std::string member;
    std::string detail;
};

struct CheckTally {
    long long count = 0;
    std::vector<DoctorExample> examples;
};

enum class RepairAction {
    pexpire,      // PEXPIRE key target_ms, if the key is still as seen
    pexpireat,    // PEXPIREAT key target_ms (a time in the past deletes the key, as the expiry would have)
    unlink,       // UNLINK key
    srem,         // SREM key member, while the session key (witness) is gone
    sadd,         // SADD key member, PEXPIRE key up to target_ms, while the session key (witness) lives
    extend_index, // PEXPIRE key target_ms when its TTL is still shorter
};
std::string_view action_name(RepairAction action); // "PEXPIRE", ...

// One planned repair and the state it is conditional on.
struct Repair {
    DoctorCheck check = DoctorCheck::no_ttl;
    RepairAction action = RepairAction::pexpire;
    std::string key;
    std::string key_secret; // as in DoctorExample
    std::string member;     // srem/sadd: the session id
    std::string witness;    // srem/sadd: the session key whose absence/presence the repair assumes
    std::string type;       // TYPE as seen
    std::string digest;     // SHA-1 hex of the string value as seen; empty: the value is not compared
    long long pttl = -1;    // PTTL as seen
    long long target_ms = 0;
};

struct RepairOutcome {
    long long applied = 0;
    long long skipped = 0; // the key changed after the scan: left alone
    long long failed = 0;  // an error reply (NOPERM, OOM, ...)
    std::vector<DoctorExample> skipped_examples;
    std::vector<std::string> errors; // the first few error replies
};

struct DoctorReport {
    std::array<CheckTally, k_doctor_check_count> checks{};
    std::map<std::string, long long> unknown_prefixes;       // first segment -> keys (bounded, see k_max_prefixes)
    long long scanned = 0;                                   // keys SCAN returned
    long long audited = 0;                                   // keys of an audited kind
    long long vanished = 0;                                  // keys gone (or moved) between SCAN and the reads
    AmbiguousKeys skipped_ambiguous;                         // keys that fit more than one kind's template
    std::vector<std::pair<std::string, long long>> per_node; // node address, keys scanned there
    std::vector<Repair> repairs;                             // planned (with plan_repairs), at most k_max_repairs
    long long repairs_over_limit = 0;                        // fixable findings past that
    std::chrono::milliseconds elapsed{0};

    static constexpr std::size_t k_max_prefixes = 1000; // further prefixes are counted under "..."
    static constexpr std::size_t k_max_repairs = 100'000;

    CheckTally& tally(DoctorCheck check) { return checks[static_cast<std::size_t>(check)]; }
    const CheckTally& tally(DoctorCheck check) const { return checks[static_cast<std::size_t>(check)]; }
    long long findings() const;
};

// Repair outcomes per check.
using RepairReport = std::array<RepairOutcome, k_doctor_check_count>;

} // namespace redops::repo
