#include "repo/doctor_audit.h"

#include "common/error.h"
#include "common/sha1.h"
#include "repo/session_repository.h"
#include "repo/token_repository.h"

#include <fmt/format.h>

#include <algorithm>

namespace redops::repo {

namespace {

// A TTL this close to the one expected is not "too long": the services' clocks and ours differ a little.
constexpr long long k_tolerance_ms = 2000;

std::string human_ms(long long ms)
{
    if (ms < 0) {
        return "none";
    }
    if (ms < 1000) {
        return fmt::format("{}ms", ms);
    }
    const long long s = ms / 1000;
    if (s < 120) {
        return fmt::format("{}s", s);
    }
    if (s < 2LL * 3600) {
        return fmt::format("{}m", s / 60);
    }
    if (s < 2LL * 86'400) {
        return fmt::format("{}h", s / 3600);
    }
    return fmt::format("{}d", s / 86'400);
}

} // namespace

std::string_view check_name(DoctorCheck check)
{
    switch (check) {
    case DoctorCheck::no_ttl: return "no_ttl";
    case DoctorCheck::token_expired: return "token_expired";
    case DoctorCheck::token_ttl_too_long: return "token_ttl_too_long";
    case DoctorCheck::malformed: return "malformed";
    case DoctorCheck::wrong_type: return "wrong_type";
    case DoctorCheck::stale_index_entry: return "stale_index_entry";
    case DoctorCheck::unindexed_session: return "unindexed_session";
    case DoctorCheck::index_ttl_short: return "index_ttl_short";
    case DoctorCheck::lock_ttl_long: return "lock_ttl_long";
    case DoctorCheck::big_key: return "big_key";
    case DoctorCheck::unknown_prefix: return "unknown_prefix";
    }
    return "unknown";
}

const std::array<DoctorCheck, k_doctor_check_count>& all_checks()
{
    static const std::array<DoctorCheck, k_doctor_check_count> checks{DoctorCheck::no_ttl,
                                                                      DoctorCheck::token_expired,
                                                                      DoctorCheck::token_ttl_too_long,
                                                                      DoctorCheck::malformed,
                                                                      DoctorCheck::wrong_type,
                                                                      DoctorCheck::stale_index_entry,
                                                                      DoctorCheck::unindexed_session,
                                                                      DoctorCheck::index_ttl_short,
                                                                      DoctorCheck::lock_ttl_long,
                                                                      DoctorCheck::big_key,
                                                                      DoctorCheck::unknown_prefix};
    return checks;
}

bool parse_check(std::string_view name, DoctorCheck& check)
{
    for (DoctorCheck c : all_checks()) {
        if (check_name(c) == name) {
            check = c;
            return true;
        }
    }
    return false;
}

std::string_view action_name(RepairAction action)
{
    switch (action) {
    case RepairAction::pexpire: return "PEXPIRE";
    case RepairAction::pexpireat: return "PEXPIREAT";
    case RepairAction::unlink: return "UNLINK";
    case RepairAction::srem: return "SREM";
    case RepairAction::sadd: return "SADD";
    case RepairAction::extend_index: return "PEXPIRE";
    }
    return "?";
}

long long DoctorReport::findings() const
{
    long long total = 0;
    for (const auto& tally : checks) {
        total += tally.count;
    }
    return total;
}

std::string_view doctor_kind_name(DoctorKind kind)
{
    switch (kind) {
    case DoctorKind::token: return "token";
    case DoctorKind::lock: return "lock";
    case DoctorKind::dedupe: return "dedupe";
    case DoctorKind::ratelimit: return "ratelimit";
    case DoctorKind::session: return "session";
    case DoctorKind::user_index: return "user_index";
    case DoctorKind::lock_fence: return "lock_fence";
    case DoctorKind::other: break;
    }
    return "other";
}

bool type_fits(DoctorKind kind, std::string_view type)
{
    switch (kind) {
    case DoctorKind::user_index: return type == "set";
    case DoctorKind::ratelimit: return type == "string" || type == "zset"; // counter or GCRA time; sliding log
    case DoctorKind::other: return true;
    default: return type == "string";
    }
}

void DoctorAudit::find(DoctorCheck check, DoctorExample example, std::optional<Repair> repair)
{
    CheckTally& tally = m_report.tally(check);
    ++tally.count;
    if (tally.examples.size() < m_options.examples) {
        tally.examples.push_back(std::move(example));
    }
    if (repair && m_options.plan_repairs) {
        if (m_report.repairs.size() < DoctorReport::k_max_repairs) {
            m_report.repairs.push_back(std::move(*repair));
        } else {
            ++m_report.repairs_over_limit;
        }
    }
}

DoctorExample DoctorAudit::example_of(const KeyState& state, std::string detail)
{
    return DoctorExample{state.key,
                         state.kind == DoctorKind::session ? state.id : std::string(),
                         {},
                         std::move(detail)};
}

Repair DoctorAudit::repair_of(const KeyState& state, DoctorCheck check, RepairAction action, long long target_ms)
{
    Repair repair;
    repair.check = check;
    repair.action = action;
    repair.key = state.key;
    repair.key_secret = state.kind == DoctorKind::session ? state.id : std::string();
    repair.type = state.type;
    repair.pttl = state.pttl;
    repair.target_ms = target_ms;
    if (state.value) {
        repair.digest = sha1_hex(*state.value);
    }
    return repair;
}

void DoctorAudit::no_ttl(const KeyState& state, long long target_ms, RepairAction action, std::string detail)
{
    std::optional<Repair> repair;
    if (target_ms > 0) {
        repair = repair_of(state, DoctorCheck::no_ttl, action, target_ms);
    }
    find(DoctorCheck::no_ttl, example_of(state, std::move(detail)), std::move(repair));
}

std::optional<SessionLink> DoctorAudit::inspect(const KeyState& state)
{
    if (state.pttl == -2) {
        ++m_report.vanished;
        return std::nullopt;
    }
    if (!type_fits(state.kind, state.type)) {
        find(DoctorCheck::wrong_type,
             example_of(state, fmt::format("{} key holds a {}", doctor_kind_name(state.kind), state.type)));
        return std::nullopt;
    }
    switch (state.kind) {
    case DoctorKind::token: inspect_token(state); return std::nullopt;
    case DoctorKind::session: return inspect_session(state);
    case DoctorKind::lock:
        if (state.pttl == -1) {
            no_ttl(state, m_options.lock_ttl.count(), RepairAction::pexpire, "lock without expiry");
        } else if (state.pttl > m_options.max_lock_ttl.count()) {
            find(DoctorCheck::lock_ttl_long, example_of(state, fmt::format("ttl {}", human_ms(state.pttl))));
        }
        return std::nullopt;
    case DoctorKind::dedupe:
        if (state.pttl == -1) {
            no_ttl(state, m_options.dedupe_ttl.count(), RepairAction::pexpire, "dedupe mark without expiry");
        }
        return std::nullopt;
    case DoctorKind::ratelimit:
        if (state.pttl == -1) {
            no_ttl(state, m_options.ratelimit_window.count(), RepairAction::pexpire,
                   m_options.ratelimit_window.count() > 0 ? "rate-limit state without expiry"
                                                          : "rate-limit state without expiry (repair needs a window)");
        }
        return std::nullopt;
    case DoctorKind::user_index: // checked with its members (index_members / index_done)
    case DoctorKind::lock_fence: // a fencing counter must outlive every lock: no TTL by design
    case DoctorKind::other: break;
    }
    return std::nullopt;
}

void DoctorAudit::inspect_token(const KeyState& state)
{
    if (state.value_too_big || !state.value) {
        find(DoctorCheck::malformed, example_of(state, "value too large to read"));
        return;
    }
    TokenEntry entry;
    try {
        TokenRepository::parse_payload(state.key, *state.value, entry);
    } catch (const Error& e) {
        std::optional<Repair> repair;
        if (m_options.delete_malformed) {
            repair = repair_of(state, DoctorCheck::malformed, RepairAction::unlink, 0);
        }
        find(DoctorCheck::malformed, example_of(state, "not the token payload"), std::move(repair));
        return;
    }
    const long long usable_until = entry.expires_at_ms - m_options.token_safety_buffer_ms;
    if (entry.expires_at_ms <= m_now_ms) {
        find(DoctorCheck::token_expired,
             example_of(state, fmt::format("expired {} ago", human_ms(m_now_ms - entry.expires_at_ms))),
             repair_of(state, DoctorCheck::token_expired, RepairAction::unlink, 0));
    } else if (state.pttl == -1) {
        no_ttl(state, usable_until, RepairAction::pexpireat, "token without expiry");
    } else if (state.pttl > usable_until - m_now_ms + k_tolerance_ms) {
        find(DoctorCheck::token_ttl_too_long,
             example_of(state, fmt::format("ttl {} but usable for {}", human_ms(state.pttl),
                                           human_ms(std::max(0LL, usable_until - m_now_ms)))),
             repair_of(state, DoctorCheck::token_ttl_too_long, RepairAction::pexpireat, usable_until));
    }
}

std::optional<SessionLink> DoctorAudit::inspect_session(const KeyState& state)
{
    if (state.value_too_big || !state.value) {
        find(DoctorCheck::malformed, example_of(state, "value too large to read"));
        return std::nullopt;
    }
    SessionEntry entry;
    SessionRepository::parse_value(*state.value, entry);
    if (entry.status == SessionStatus::malformed) {
        std::optional<Repair> repair;
        if (m_options.delete_malformed) {
            repair = repair_of(state, DoctorCheck::malformed, RepairAction::unlink, 0);
        }
        find(DoctorCheck::malformed, example_of(state, entry.problem), std::move(repair));
        return std::nullopt;
    }
    long long lives = state.pttl; // what the session will live once repaired: an unindexed one's SADD targets it
    if (state.pttl == -1) {
        auto ttl = entry.remember_me ? m_options.session_remember_ttl : m_options.session_ttl;
        no_ttl(state, ttl.count(), RepairAction::pexpire, "session without expiry");
        lives = ttl.count();
    }
    if (state.id.empty()) {
        return std::nullopt; // a session template without {id}: the index cannot be checked
    }
    try {
        return SessionLink{state.key, state.id, m_index.render({{"user", entry.user}}), lives};
    } catch (const Error&) {
        return std::nullopt; // an index template without {user}
    }
}

void DoctorAudit::index_members(const std::string& index, long long index_pttl, const std::vector<std::string>& members,
                                const std::vector<long long>& member_pttls, const config::KeyTemplate& session_template)
{
    for (std::size_t i = 0; i < members.size() && i < member_pttls.size(); ++i) {
        if (member_pttls[i] != -2) {
            continue;
        }
        Repair repair;
        repair.check = DoctorCheck::stale_index_entry;
        repair.action = RepairAction::srem;
        repair.key = index;
        repair.member = members[i];
        repair.witness = session_template.render({{"id", members[i]}});
        repair.type = "set";
        repair.pttl = index_pttl;
        find(DoctorCheck::stale_index_entry, DoctorExample{index, {}, members[i], "session key gone"},
             std::move(repair));
    }
}

void DoctorAudit::index_done(const std::string& index, long long index_pttl, long long longest_member_pttl)
{
    KeyState state;
    state.key = index;
    state.kind = DoctorKind::user_index;
    state.type = "set";
    state.pttl = index_pttl;
    if (index_pttl == -1) {
        long long target = longest_member_pttl > 0 ? longest_member_pttl : m_options.session_ttl.count();
        no_ttl(state, target, RepairAction::pexpire, "user index without expiry");
    } else if (index_pttl >= 0 && longest_member_pttl > index_pttl + k_tolerance_ms) {
        find(DoctorCheck::index_ttl_short,
             example_of(state,
                        fmt::format("ttl {}, a session lives {}", human_ms(index_pttl), human_ms(longest_member_pttl))),
             repair_of(state, DoctorCheck::index_ttl_short, RepairAction::extend_index, longest_member_pttl));
    }
}

void DoctorAudit::unindexed(const SessionLink& link, long long index_pttl)
{
    Repair repair;
    repair.check = DoctorCheck::unindexed_session;
    repair.action = RepairAction::sadd;
    repair.key = link.index;
    repair.member = link.id;
    repair.witness = link.key;
    repair.type = index_pttl == -2 ? "none" : "set";
    repair.pttl = index_pttl;
    repair.target_ms = link.pttl;
    find(DoctorCheck::unindexed_session, DoctorExample{link.key, link.id, {}, "not in " + link.index},
         std::move(repair));
}

void DoctorAudit::unknown_key(const std::string& key)
{
    std::string prefix = key.substr(0, std::min(key.find(':'), std::size_t{64}));
    auto& prefixes = m_report.unknown_prefixes;
    auto it = prefixes.find(prefix);
    if (it == prefixes.end() && prefixes.size() >= DoctorReport::k_max_prefixes) {
        it = prefixes.try_emplace("...", 0).first;
    } else if (it == prefixes.end()) {
        it = prefixes.emplace(prefix, 0).first;
    }
    ++it->second;
    find(DoctorCheck::unknown_prefix, DoctorExample{key, {}, {}, "prefix " + prefix});
}

void DoctorAudit::big_key(const std::string& key, const std::string& key_secret, long long bytes)
{
    find(DoctorCheck::big_key, DoctorExample{key, key_secret, {}, fmt::format("{} bytes", bytes)});
}

} // namespace redops::repo
