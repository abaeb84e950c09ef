// Distributed locks as the services hold them: SET key token NX PX, with compare-and-act release/extend scripts.
#pragma once

#include "common/error.h"
#include "config/key_template.h"
#include "redis/client.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace redops::repo {

struct AcquireResult {
    bool acquired = false;
    std::string owner;            // ours when acquired, the holder's token otherwise (empty if it vanished)
    long long holder_ttl_ms = -1; // the holder's remaining TTL when not acquired (-1: no TTL, -2: gone)
};

enum class LockFailure { none, not_held, other_owner };

struct ReleaseResult {
    bool released = false;
    LockFailure reason = LockFailure::none;
};

struct ExtendResult {
    bool extended = false;
    LockFailure reason = LockFailure::none;
};

struct LockStatus {
    bool held = false;
    std::string owner;
    long long ttl_ms = -2; // PTTL semantics: -1 no expiry, -2 missing
};

struct LockEntry {
    std::string name;
    std::string key;
    std::string owner;
    long long ttl_ms = -2;
};

// The reply to acquire's SET never came (timeout, reset): the server may have applied it. Same kind as the
// transport failure; the caller checks over a new connection whether the lock is ours.
class LockReplyLost : public Error {
public:
    LockReplyLost(const Error& cause, std::string key)
        : Error(cause.kind(), fmt::format("the reply to SET {} NX was lost: {}", key, cause.what())),
          m_key(std::move(key))
    {
    }
    const std::string& key() const noexcept { return m_key; }

private:
    std::string m_key;
};

// "not_held" / "other_owner" / "none", as in the JSON contract.
std::string_view failure_name(LockFailure reason);

// A fresh owner token: 128 bits from getrandom(2), formatted as a UUID v4.
std::string new_owner_token();

class LockRepository {
public:
    LockRepository(redis::Client& client, const config::KeyTemplate& key_template)
        : m_client(client), m_template(key_template)
    {
    }

    std::string key_of(std::string_view name) const;

    // One SET NX PX. LockReplyLost when its reply is lost; Error(data) when the key holds another type.
    AcquireResult acquire(std::string_view name, std::chrono::milliseconds ttl, const std::string& owner);
    ReleaseResult release(std::string_view name, const std::string& owner);
    ExtendResult extend(std::string_view name, const std::string& owner, std::chrono::milliseconds ttl);
    // Deletes whatever holds the lock; the owner token removed, nullopt when nothing held it.
    std::optional<std::string> force_release(std::string_view name);
    LockStatus status(std::string_view name);
    // Streams every lock whose name matches: `name_glob` is a raw MATCH glob for {name} (empty: all).
    void list(const std::string& name_glob, long long scan_count,
              const std::function<void(const LockEntry&)>& on_entry);

private:
    redis::Client& m_client;
    const config::KeyTemplate& m_template;
};

} // namespace redops::repo
