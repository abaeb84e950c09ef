// The doctor's per-key checks: what a key of each kind must look like, judged from the state the scan read.
#pragma once

#include "config/key_template.h"
#include "repo/doctor_types.h"

#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

// The kinds doctor knows; lock_fence is the fencing counter (`keys.lock_fence`), which has no TTL by design.
enum class DoctorKind { token, lock, dedupe, ratelimit, session, user_index, lock_fence, other };
std::string_view doctor_kind_name(DoctorKind kind);

// What the scan read about one key of a known kind.
struct KeyState {
    std::string key;
    DoctorKind kind = DoctorKind::other;
    std::string type;                 // TYPE: "string", "set", ...
    long long pttl = -2;              // -1 no expiry, -2 gone
    std::optional<std::string> value; // tokens and sessions: the string value when it was read whole
    bool value_too_big = false;       // the value is longer than the doctor reads (k_max_value_bytes)
    std::string id;                   // session: the {id} of its key
};

// A live session and the index it belongs in, for the cross-key checks made after the first reads.
struct SessionLink {
    std::string key;    // session key
    std::string id;     // session id (a secret)
    std::string index;  // the user's index key
    long long pttl = 0; // the session's PTTL as seen; for one without expiry, the TTL its no_ttl repair gives
};

// Longest token or session value the doctor reads (GETRANGE 0 k_max_value_bytes): a longer one is malformed,
// and a batch of crafted values never holds more than scan_count times this.
inline constexpr long long k_max_value_bytes = 64 * 1024;

// Collects findings into the report: counts, the first examples, and the planned repairs.
class DoctorAudit {
public:
    DoctorAudit(const DoctorOptions& options, const config::KeyTemplate& index_template, long long now_ms)
        : m_options(options), m_index(index_template), m_now_ms(now_ms)
    {
    }

    // Runs the single-key checks; returns the session's link when the cross-key checks need it.
    std::optional<SessionLink> inspect(const KeyState& state);
    // A finding, and its repair when --fix plans one.
    void find(DoctorCheck check, DoctorExample example, std::optional<Repair> repair = std::nullopt);
    // Index-side checks of one user index: its live members' PTTLs (-2: the session key is gone).
    void index_members(const std::string& index, long long index_pttl, const std::vector<std::string>& members,
                       const std::vector<long long>& member_pttls, const config::KeyTemplate& session_template);
    // Index-side: after all members were seen, index_ttl_short / no_ttl of the index itself.
    void index_done(const std::string& index, long long index_pttl, long long longest_member_pttl);
    // Session-side: the session's id is not in its user's index (whose PTTL was seen as index_pttl).
    void unindexed(const SessionLink& link, long long index_pttl);
    void unknown_key(const std::string& key);
    void big_key(const std::string& key, const std::string& key_secret, long long bytes);

    DoctorReport& report() { return m_report; }
    long long now_ms() const { return m_now_ms; }

private:
    void inspect_token(const KeyState& state);
    std::optional<SessionLink> inspect_session(const KeyState& state);
    void no_ttl(const KeyState& state, long long target_ms, RepairAction action, std::string detail);
    static DoctorExample example_of(const KeyState& state, std::string detail);
    static Repair repair_of(const KeyState& state, DoctorCheck check, RepairAction action, long long target_ms);

    const DoctorOptions& m_options;
    const config::KeyTemplate& m_index;
    long long m_now_ms;
    DoctorReport m_report;
};

// The type a kind's key must have ("string"), or "string|zset" for rate limits.
bool type_fits(DoctorKind kind, std::string_view type);

} // namespace redops::repo
