// DedupeRepository: peeks at or sets de-duplication marks in pipelined batches.
#include "repo/dedupe_repository.h"

#include "common/error.h"

#include <fmt/format.h>

#include <algorithm>

namespace redops::repo {

std::string DedupeRepository::key(const std::string& tenant, const std::string& id) const
{
    return m_template.render({{"tenant", tenant}, {"id", id}});
}

void DedupeRepository::check_batch(const std::string& tenant, const std::vector<std::string>& ids, std::size_t begin,
                                   std::size_t end, bool mark, long long ttl_s, std::vector<DedupeResult>& out)
{
    std::vector<redis::Command> commands;
    commands.reserve((end - begin) * 2);
    for (std::size_t i = begin; i < end; ++i) {
        std::string k = key(tenant, ids[i]);
        commands.push_back(mark ? redis::cmd("SET", k, "1", "NX", "EX", ttl_s) : redis::cmd("EXISTS", k));
        commands.push_back(redis::cmd("TTL", k));
    }
    auto replies = m_client.pipeline(commands);
    for (std::size_t i = begin; i < end; ++i) {
        const auto& first = replies.at(2 * (i - begin)).check();
        long long ttl = replies.at(2 * (i - begin) + 1).check().as_integer("TTL");
        DedupeResult result;
        result.id = ids[i];
        // SET NX answers nil when the key already exists: exactly what the services treat as a duplicate. Any
        // other answer than nil or OK is not a "new": it is a malformed reply (exit 4).
        if (mark && !first.is_nil() && first.as_string("SET NX") != "OK") {
            throw Error(ErrorKind::protocol, fmt::format("SET NX {}: unexpected reply \"{}\"", key(tenant, ids[i]), first.str));
        }
        result.duplicate = mark ? first.is_nil() : first.as_integer("EXISTS") > 0;
        if (ttl >= 0 && (mark || result.duplicate)) {
            result.ttl_s = ttl;
        }
        out.push_back(std::move(result));
    }
}

std::vector<DedupeResult> DedupeRepository::check(const std::string& tenant, const std::vector<std::string>& ids,
                                                  bool mark, long long ttl_s)
{
    if (mark && ttl_s <= 0) {
        throw Error(ErrorKind::usage, "--ttl must be positive");
    }
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

long long DedupeRepository::forget(const std::string& tenant, const std::vector<std::string>& ids)
{
    long long removed = 0;
    try {
        for (std::size_t begin = 0; begin < ids.size(); begin += k_batch) {
            std::vector<redis::Command> commands;
            for (std::size_t i = begin; i < std::min(ids.size(), begin + k_batch); ++i) {
                commands.push_back(redis::cmd("UNLINK", key(tenant, ids[i])));
            }
            for (const auto& reply : m_client.pipeline(commands)) {
                removed += reply.check().as_integer("UNLINK");
            }
        }
    } catch (const Error& e) {
        // A rerun with the same ids finishes the job: forgetting a mark twice is harmless.
        throw Error::after(e, WorkDone{"deleted", "marks", removed, {}});
    }
    return removed;
}

} // namespace redops::repo
