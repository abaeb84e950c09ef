// DedupeRepository: peeks at or sets de-duplication marks in pipelined batches.
#include "repo/dedupe_repository.h"

#include "common/error.h"
#include "common/interrupt.h"
#include "redis/script.h"
#include "repo/bulk_delete.h"
#include "repo/state_guard.h"

#include <fmt/format.h>

#include <algorithm>

namespace redops::repo {

namespace {

constexpr std::string_view k_expected = "a de-duplication mark";

// The services' mark, refused on a key that is not a string. KEYS[1] mark; ARGV ttl s.
// Replies {1 new | 0 duplicate, ttl s (-1: none)}; WRONGSTATE when the key holds another type.
const redis::Script& mark_script()
{
    static const redis::Script script(std::string(k_lua_require_string) + R"lua(
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return {1, tonumber(ARGV[1])} end
return {0, redis.call('TTL', KEYS[1])}
)lua");
    return script;
}

// Fills result from the mark script's reply; what the key holds instead of a mark when it refused, else "".
std::string read_mark(const redis::Reply& reply, DedupeResult& result)
{
    if (std::string found = wrong_state_found(reply); !found.empty()) {
        return found;
    }
    const auto& a = reply.as_array("dedupe mark");
    result.duplicate = a.at(0).as_integer("dedupe mark") == 0;
    long long ttl = a.at(1).as_integer("dedupe mark TTL");
    if (ttl >= 0) {
        result.ttl_s = ttl;
    }
    return {};
}

// A key of another type refused its mark; the other ids of the run were still marked: say how many, so the
// refusal does not hide that work.
[[noreturn]] void throw_after_marks(const Error& refusal, const std::vector<DedupeResult>& out)
{
    auto marked = std::count_if(out.begin(), out.end(), [](const DedupeResult& r) { return !r.duplicate; });
    throw Error(ErrorKind::data, fmt::format("{} ({} other ids were newly marked)", refusal.what(), marked));
}

// Fills result from TYPE and TTL replies; what the key holds instead of a mark when it is no string, else "".
std::string read_peek(const redis::Reply& type_reply, const redis::Reply& ttl_reply, DedupeResult& result)
{
    const std::string& type = type_reply.as_string("TYPE");
    if (type != "none" && type != "string") {
        return describe_type(type);
    }
    result.duplicate = type == "string";
    long long ttl = ttl_reply.as_integer("TTL");
    if (ttl >= 0 && result.duplicate) {
        result.ttl_s = ttl;
    }
    return {};
}

} // namespace

std::string DedupeRepository::key(const std::string& tenant, const std::string& id) const
{
    return m_template.render({{"tenant", tenant}, {"id", id}});
}

void DedupeRepository::check_batch(const std::string& tenant, const std::vector<std::string>& ids, std::size_t begin,
                                   std::size_t end, bool mark, long long ttl_s, std::vector<DedupeResult>& out)
{
    std::vector<std::string> keys;
    for (std::size_t i = begin; i < end; ++i) {
        keys.push_back(key(tenant, ids[i]));
    }
    std::vector<redis::Reply> replies;
    if (mark && !m_script_marks) {
        if (mark_batch(keys, ids, begin, ttl_s, out)) {
            return;
        }
        m_script_marks = true; // a server before 7.0 refuses SET NX GET: the script from now on
    }
    if (mark) {
        std::vector<redis::ScriptCall> calls;
        calls.reserve(keys.size());
        for (const auto& k : keys) {
            calls.push_back({{k}, {std::to_string(ttl_s)}});
        }
        replies = redis::run_script_batch(m_client, mark_script(), calls);
    } else {
        std::vector<redis::Command> commands;
        for (const auto& k : keys) {
            commands.push_back(redis::cmd("TYPE", k));
            commands.push_back(redis::cmd("TTL", k));
        }
        replies = m_client.pipeline(commands);
    }
    std::optional<Error> refusal;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        DedupeResult result;
        result.id = ids[begin + i];
        std::string found = mark ? read_mark(replies.at(i), result)
                                 : read_peek(replies.at(2 * i), replies.at(2 * i + 1), result);
        if (found.empty()) {
            out.push_back(std::move(result));
        } else if (!refusal) {
            refusal = wrong_state(keys[i], found, k_expected);
        }
    }
    if (refusal && mark) {
        throw_after_marks(*refusal, out);
    }
    if (refusal) {
        throw *refusal;
    }
}

// SET NX GET (Redis 7.0+) marks and type-checks in one command at a third of the script's server cost: nil is a
// new mark, a string an existing one, WRONGTYPE a key of another type (its TYPE is asked then, for the message).
// The TTL beside it gives a duplicate's expiry. False, with nothing written, when the server refuses the syntax.
bool DedupeRepository::mark_batch(const std::vector<std::string>& keys, const std::vector<std::string>& ids,
                                  std::size_t begin, long long ttl_s, std::vector<DedupeResult>& out)
{
    if (keys.empty()) {
        return true;
    }
    std::vector<redis::Command> commands;
    commands.reserve(keys.size() * 2);
    for (const auto& k : keys) {
        commands.push_back(redis::cmd("SET", k, "1", "NX", "GET", "EX", ttl_s));
        commands.push_back(redis::cmd("TTL", k));
    }
    std::vector<redis::Reply> replies = m_client.pipeline(commands);
    std::size_t refused_syntax = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const redis::Reply& set = replies.at(2 * i);
        refused_syntax += set.is_error() && set.str.rfind("ERR syntax", 0) == 0 ? 1 : 0;
    }
    if (refused_syntax == keys.size()) {
        return false; // every SET of the batch was refused: none wrote
    }
    if (refused_syntax > 0) {
        // Some nodes took SET NX GET and some did not (a cluster of mixed versions): rerunning the batch as a
        // script would report the marks just made as duplicates. The error tells which reply was refused.
        for (std::size_t i = 0; i < keys.size(); ++i) {
            replies.at(2 * i).check();
        }
    }
    std::optional<Error> refusal;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const redis::Reply& set = replies.at(2 * i);
        if (set.is_wrongtype()) {
            if (!refusal) {
                const std::string type = m_client.call(redis::cmd("TYPE", keys[i])).as_string("TYPE");
                refusal = wrong_state(keys[i], describe_type(type), k_expected);
            }
            continue;
        }
        DedupeResult result;
        result.id = ids[begin + i];
        result.duplicate = !set.check().is_nil();
        const long long ttl = replies.at(2 * i + 1).check().as_integer("TTL");
        if (ttl >= 0) {
            result.ttl_s = ttl;
        }
        out.push_back(std::move(result));
    }
    if (refusal) {
        throw_after_marks(*refusal, out);
    }
    return true;
}

std::vector<DedupeResult> DedupeRepository::check(const std::string& tenant, const std::vector<std::string>& ids,
                                                  bool mark, long long ttl_s)
{
    if (mark) {
        // Refuse before anything is written: an id holding the template's separator makes its key ambiguous.
        for (const auto& id : ids) {
            m_template.render_unambiguous({{"tenant", tenant}, {"id", id}});
        }
    }
    std::vector<DedupeResult> results;
    results.reserve(ids.size());
    for (std::size_t begin = 0; begin < ids.size(); begin += k_batch) {
        check_batch(tenant, ids, begin, std::min(ids.size(), begin + k_batch), mark, ttl_s, results);
    }
    return results;
}

long long DedupeRepository::forget(const std::string& tenant, const std::vector<std::string>& ids,
                                   const std::function<void(long long sent, long long removed)>& on_batch)
{
    long long removed = 0;
    try {
        for (std::size_t begin = 0; begin < ids.size(); begin += k_batch) {
            throw_if_interrupted();
            std::vector<std::string> keys;
            keys.reserve(k_batch);
            for (std::size_t i = begin; i < std::min(ids.size(), begin + k_batch); ++i) {
                keys.push_back(key(tenant, ids[i]));
            }
            unlink_keys(m_client, keys, removed); // multi-key UNLINKs, one per slot in a cluster
            if (on_batch) {
                on_batch(static_cast<long long>(std::min(ids.size(), begin + k_batch)), removed);
            }
        }
    } catch (const Error& e) {
        // A rerun with the same ids finishes the job: forgetting a mark twice is harmless.
        throw Error::after(e, WorkDone{"deleted", "marks", removed, {}});
    }
    return removed;
}

} // namespace redops::repo
