#include "repo/lock_repository.h"

#include "common/error.h"
#include "redis/scan.h"
#include "redis/script.h"
#include "repo/state_guard.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sys/random.h>

namespace redops::repo {

namespace {

// Deletes KEYS[1] only if it still holds ARGV[1]; replies 1 released, 0 not held, -1 held by another owner;
// WRONGSTATE when the key is not a string (so not a lock).
const redis::Script& release_script()
{
    static const redis::Script script(std::string(k_lua_require_string) + R"lua(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if v ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 1
)lua");
    return script;
}

// PEXPIREs KEYS[1] to ARGV[2] ms only if it still holds ARGV[1]; replies 1 extended, 0 not held, -1 other owner;
// WRONGSTATE when the key is not a string.
const redis::Script& extend_script()
{
    static const redis::Script script(std::string(k_lua_require_string) + R"lua(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if v ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua");
    return script;
}

// GET then DEL of KEYS[1] in one step; replies the removed value, or nil when nothing was there;
// WRONGSTATE when the key is not a string (--force removes locks, not whatever shares their prefix).
const redis::Script& force_release_script()
{
    static const redis::Script script(std::string(k_lua_require_string) + R"lua(
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v
)lua");
    return script;
}

constexpr std::string_view k_expected = "a lock owner token";

LockFailure failure_of(long long code)
{
    return code == 0 ? LockFailure::not_held : LockFailure::other_owner;
}

void require_name(std::string_view name)
{
    if (name.empty()) {
        throw Error(ErrorKind::usage, "the lock name must not be empty");
    }
}

} // namespace

std::string_view failure_name(LockFailure reason)
{
    static constexpr std::array<std::string_view, 3> k_names{"none", "not_held", "other_owner"}; // LockFailure's order
    return k_names.at(static_cast<std::size_t>(reason));
}

std::string new_owner_token()
{
    std::array<unsigned char, 16> bytes{};
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(ErrorKind::system, fmt::format("getrandom failed: {}", std::strerror(errno)));
        }
        filled += static_cast<std::size_t>(n);
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40); // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80); // RFC 4122 variant
    std::string text;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            text += '-';
        }
        text += fmt::format("{:02x}", bytes[i]);
    }
    return text;
}

std::string LockRepository::key_of(std::string_view name) const
{
    require_name(name);
    return m_template.render({{"name", std::string(name)}});
}

AcquireResult LockRepository::acquire(std::string_view name, std::chrono::milliseconds ttl, const std::string& owner)
{
    if (ttl.count() <= 0) {
        throw Error(ErrorKind::usage, "the lock TTL must be positive");
    }
    std::string key = key_of(name);
    AcquireResult result;
    // The holder is read after the SET, so it may have gone in between: then one more SET is worth trying.
    for (int attempt = 0; attempt < 2; ++attempt) {
        redis::Reply set;
        try {
            set = m_client.call(redis::cmd("SET", key, owner, "NX", "PX", static_cast<long long>(ttl.count())));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::timeout && e.kind() != ErrorKind::connection) {
                throw;
            }
            throw LockReplyLost(e, key);
        }
        if (!set.is_nil()) {
            if (set.as_string("lock SET NX PX") != "OK") {
                // Only OK means "taken": any other answer is a malformed reply (exit 4), never an acquired lock.
                throw Error(ErrorKind::protocol,
                            fmt::format("lock SET NX PX {}: unexpected reply \"{}\"", key, set.str));
            }
            result.acquired = true;
            result.owner = owner;
            return result;
        }
        LockStatus holder = status(name);
        result.owner = holder.owner;
        result.holder_ttl_ms = holder.ttl_ms;
        if (holder.held) {
            break;
        }
    }
    return result;
}

ReleaseResult LockRepository::release(std::string_view name, const std::string& owner)
{
    redis::Reply reply = run_guarded(m_client, release_script(), {{key_of(name)}, {owner}}, k_expected);
    long long code = reply.as_integer("lock release");
    return code == 1 ? ReleaseResult{true, LockFailure::none} : ReleaseResult{false, failure_of(code)};
}

ExtendResult LockRepository::extend(std::string_view name, const std::string& owner, std::chrono::milliseconds ttl)
{
    if (ttl.count() <= 0) {
        throw Error(ErrorKind::usage, "the lock TTL must be positive");
    }
    redis::ScriptCall call{{key_of(name)}, {owner, std::to_string(ttl.count())}};
    long long code = run_guarded(m_client, extend_script(), call, k_expected).as_integer("lock extend");
    return code == 1 ? ExtendResult{true, LockFailure::none} : ExtendResult{false, failure_of(code)};
}

std::optional<std::string> LockRepository::force_release(std::string_view name)
{
    redis::Reply reply = run_guarded(m_client, force_release_script(), {{key_of(name)}, {}}, k_expected);
    if (reply.is_nil()) {
        return std::nullopt;
    }
    return reply.as_string("lock force release");
}

LockStatus LockRepository::status(std::string_view name)
{
    std::string key = key_of(name);
    std::vector<redis::Reply> replies = m_client.pipeline(
        {redis::cmd("TYPE", key), redis::cmd("GET", key), redis::cmd("PTTL", key)});
    const std::string& type = replies.at(0).as_string("lock TYPE");
    if (type != "none" && type != "string") {
        throw wrong_state(key, describe_type(type), k_expected);
    }
    replies.at(1).check();
    LockStatus status;
    if (!replies[1].is_nil()) {
        status.held = true;
        status.owner = replies[1].as_string("lock GET");
    }
    status.ttl_ms = replies.at(2).as_integer("lock PTTL");
    return status;
}

void LockRepository::list(const std::string& name_glob, long long scan_count,
                          const std::function<void(const LockEntry&)>& on_entry)
{
    std::string pattern = m_template.scan_pattern({});
    if (!name_glob.empty()) {
        // A raw glob for {name}: put it where the placeholder goes, keeping the literal parts escaped.
        const std::string marker = "\x01redops-name\x01";
        pattern = m_template.scan_pattern({{"name", marker}});
        auto at = pattern.find(config::glob_escape(marker));
        if (at == std::string::npos) {
            throw Error(ErrorKind::config,
                        fmt::format("the lock key template \"{}\" has no {{name}}", m_template.text()));
        }
        pattern.replace(at, config::glob_escape(marker).size(), name_glob);
    }
    redis::scan_keys(m_client, pattern, scan_count, [&](const std::vector<std::string>& keys) {
        std::vector<redis::Command> commands;
        commands.reserve(keys.size() * 2);
        for (const auto& key : keys) {
            commands.push_back(redis::cmd("GET", key));
            commands.push_back(redis::cmd("PTTL", key));
        }
        std::vector<redis::Reply> replies = keys.empty() ? std::vector<redis::Reply>{} : m_client.pipeline(commands);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const redis::Reply& value = replies[2 * i];
            auto values = m_template.match(keys[i]);
            if (value.is_error() && !value.is_wrongtype()) {
                throw ServerError(value.str); // not this key's problem: the server's state (NOAUTH, LOADING, ...)
            }
            if (!values || value.is_nil() || !value.is_string()) {
                continue; // gone since SCAN saw it, another kind sharing the prefix, or not a lock value
            }
            LockEntry entry;
            auto name = values->find("name");
            entry.name = name != values->end() ? name->second : "";
            entry.key = keys[i];
            entry.owner = value.str;
            entry.ttl_ms = replies[2 * i + 1].check().as_integer("PTTL"); // PTTL answers for any type
            on_entry(entry);
        }
        return true;
    });
}

} // namespace redops::repo
