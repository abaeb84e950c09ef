// Fenced locks: the lock's SET NX PX and an INCR of its fencing counter in one script, and reading that counter.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"
#include "repo/lock_repository.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace redops::repo {

struct FencedAcquireResult {
    AcquireResult lock;
    long long fence = 0; // the fencing number taken with the lock; 0 when not acquired
};

class LockFenceRepository {
public:
    LockFenceRepository(redis::Client& client, const config::KeyTemplate& lock_template,
                        const config::KeyTemplate& fence_template)
        : m_client(client), m_lock_template(lock_template), m_fence_template(fence_template)
    {
    }

    std::string fence_key_of(std::string_view name) const;

    // SET NX PX of the lock key and, only when it was set, INCR of the fence key, atomically. In a cluster both
    // keys must be in one slot (Error(config) naming both keys otherwise); a fence key that does not hold a
    // number fails (ServerError) before anything is written.
    FencedAcquireResult acquire(std::string_view name, std::chrono::milliseconds ttl, const std::string& owner);
    // The last fencing number handed out for the lock; nullopt when none ever was.
    std::optional<long long> current(std::string_view name);

private:
    void require_one_slot(const std::string& lock_key, const std::string& fence_key) const;

    redis::Client& m_client;
    const config::KeyTemplate& m_lock_template;
    const config::KeyTemplate& m_fence_template;
};

} // namespace redops::repo
