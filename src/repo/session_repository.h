// User sessions as the services store them: JSON under the session template, ids indexed per user in a SET.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

enum class SessionStatus { ok, stale, malformed };

struct SessionEntry {
    std::string id;
    std::string user; // userId of the payload; for stale/malformed entries the index's user, if known
    SessionStatus status = SessionStatus::ok;
    long long created_at_ms = -1; // -1 when absent
    long long ttl_s = -2;         // Redis TTL: -1 no expiry, -2 gone
    bool remember_me = false;
    std::string role;
    std::string email;
    nlohmann::ordered_json other = nlohmann::ordered_json::object(); // every other field, passed through
    std::string problem; // why a malformed value could not be read; never names the id (a secret)
};

// What invalidation did (or would do, on a dry run) for one session id.
struct InvalidatedSession {
    std::string id;
    std::string user;             // empty when neither the session nor --user named one
    bool session_deleted = false; // the session key existed (and was unlinked unless dry run)
    bool unindexed = false;       // the id was in the user's index (and was removed unless dry run)
};

struct PruneResult {
    long long users = 0;   // index sets examined
    long long entries = 0; // index entries examined
    long long stale = 0;   // stale entries removed
};

using SessionCallback = std::function<void(const SessionEntry& entry)>;

class SessionRepository {
public:
    SessionRepository(redis::Client& client, const config::KeyTemplate& session_template,
                      const config::KeyTemplate& index_template, long long scan_count)
        : m_client(client), m_session(session_template), m_index(index_template), m_scan_count(scan_count)
    {
    }

    // The user's index entries (SSCAN), session values read with GET + TTL pipelined per batch; with a limit,
    // SSCAN stops early and only the ids kept are read.
    void list_user(const std::string& user, const SessionCallback& on_entry,
                   std::optional<long long> limit = std::nullopt);
    // Every session key (SCAN over all primaries), streamed; stops after `limit` entries when given.
    void list_all(const SessionCallback& on_entry, std::optional<long long> limit = std::nullopt);
    // Index members of user starting with prefix (SSCAN MATCH, prefix glob-escaped).
    std::vector<std::string> find_by_prefix(const std::string& user, const std::string& prefix);
    // Every id in the user's index (one user's sessions are few enough to hold).
    std::vector<std::string> user_ids(const std::string& user);
    // UNLINKs the session and SREMs it from its user's index (user from the payload, else `user`).
    InvalidatedSession invalidate(const std::string& id, const std::optional<std::string>& user, bool dry_run);
    // invalidate() for many ids, in batches: GETs pipelined, the sessions UNLINKed by multi-key UNLINKs (one per
    // slot in a cluster), the index entries SREMed pipelined. A failure part way throws Error::after with the
    // sessions deleted so far.
    // on_each, when set, gets each session as it is done (progress).
    std::vector<InvalidatedSession> invalidate_many(const std::vector<std::string>& ids,
                                                    const std::optional<std::string>& user, bool dry_run,
                                                    const std::function<void(const InvalidatedSession&)>& on_each = {});
    // UNLINKs the user's index set itself; true when it existed.
    bool drop_index(const std::string& user);
    // Members of the user's index (SCARD; 0 when the key is gone: Redis removes a set with its last member).
    long long index_size(const std::string& user);
    // SREMs the user's index entries whose session key is gone.
    PruneResult prune(const std::string& user);
    // prune() over every index set (SCAN over the index template).
    PruneResult prune_all();

    // Parses a stored value into entry; sets status malformed with a problem instead of throwing.
    static void parse_value(const std::string& value, SessionEntry& entry);

private:
    void read_batch(const std::vector<std::string>& ids, const std::string& index_user, bool report_missing,
                    const SessionCallback& on_entry);
    void invalidate_batch(const std::vector<std::string>& ids, const std::optional<std::string>& user, bool dry_run,
                          std::vector<InvalidatedSession>& done, long long& deleted);
    void prune_into(const std::string& user, PruneResult& result); // adds to result as it goes
    std::string session_key(const std::string& id) const;
    std::string index_key(const std::string& user) const;

    redis::Client& m_client;
    const config::KeyTemplate& m_session;
    const config::KeyTemplate& m_index;
    long long m_scan_count;
};

} // namespace redops::repo
