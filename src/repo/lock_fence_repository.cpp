#include "repo/lock_fence_repository.h"

#include "common/error.h"
#include "redis/cluster_slot.h"
#include "redis/script.h"

#include <fmt/format.h>

#include <charconv>

namespace redops::repo {

namespace {

// KEYS[1] lock, KEYS[2] fence; ARGV[1] owner, ARGV[2] ttl ms. Replies the new fencing number when the lock was
// free (SET NX PX, then INCR), 0 when it is held. The fence is read first so a non-number fails before any write.
const redis::Script& fenced_acquire_script()
{
    static const redis::Script script(R"lua(
local fence = redis.call('GET', KEYS[2])
if fence and not string.match(fence, '^%d+$') then
  return redis.error_reply('ERR the fence key ' .. KEYS[2] .. ' does not hold a number')
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
return redis.call('INCR', KEYS[2])
)lua");
    return script;
}

} // namespace

std::string LockFenceRepository::fence_key_of(std::string_view name) const
{
    if (name.empty()) {
        throw Error(ErrorKind::usage, "the lock name must not be empty");
    }
    return m_fence_template.render({{"name", std::string(name)}});
}

void LockFenceRepository::require_one_slot(const std::string& lock_key, const std::string& fence_key) const
{
    if (m_client.topology() != "cluster" || redis::key_slot(lock_key) == redis::key_slot(fence_key)) {
        return;
    }
    throw Error(ErrorKind::config,
                fmt::format("a fenced lock in a cluster needs the lock key \"{}\" and the fence key \"{}\" in one "
                            "hash slot",
                            lock_key, fence_key),
                Remedy::share_hash_tag);
}

FencedAcquireResult LockFenceRepository::acquire(std::string_view name, std::chrono::milliseconds ttl,
                                                 const std::string& owner)
{
    if (ttl.count() <= 0) {
        throw Error(ErrorKind::usage, "the lock TTL must be positive");
    }
    LockRepository locks(m_client, m_lock_template);
    std::string lock_key = locks.key_of(name);
    std::string fence_key = fence_key_of(name);
    require_one_slot(lock_key, fence_key);
    FencedAcquireResult result;
    // As LockRepository::acquire: the holder is read after the script and may have gone; then one more try.
    for (int attempt = 0; attempt < 2; ++attempt) {
        redis::ScriptCall call{{lock_key, fence_key}, {owner, std::to_string(ttl.count())}};
        long long fence = redis::run_script(m_client, fenced_acquire_script(), call).as_integer("fenced lock acquire");
        if (fence > 0) {
            result.lock.acquired = true;
            result.lock.owner = owner;
            result.fence = fence;
            return result;
        }
        LockStatus holder = locks.status(name);
        result.lock.owner = holder.owner;
        result.lock.holder_ttl_ms = holder.ttl_ms;
        if (holder.held) {
            break;
        }
    }
    return result;
}

std::optional<long long> LockFenceRepository::current(std::string_view name)
{
    std::string key = fence_key_of(name);
    redis::Reply reply = m_client.call(redis::cmd("GET", key));
    if (reply.is_nil()) {
        return std::nullopt;
    }
    std::string text = reply.as_string("lock fence GET");
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw Error(ErrorKind::data, fmt::format("the fence key {} does not hold a number", key));
    }
    return value;
}

} // namespace redops::repo
