// SessionRepository: the only code that knows the session payload and the per-user index of session ids.
#include "repo/session_repository.h"

#include "common/error.h"
#include "common/interrupt.h"
#include "redis/scan.h"
#include "repo/bulk_delete.h"
#include "repo/json_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace redops::repo {

namespace {

std::optional<long long> as_millis(const nlohmann::ordered_json& value)
{
    if (value.is_number_integer()) {
        return value.get<long long>();
    }
    if (value.is_number_float()) {
        // Some writers serialise ms as 1.7e12; a whole number in a double is still a valid instant.
        double d = value.get<double>();
        if (std::isfinite(d) && std::fabs(d) < 9e18) {
            return static_cast<long long>(d);
        }
    }
    return std::nullopt;
}

std::string as_text(const nlohmann::ordered_json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace

std::string SessionRepository::session_key(const std::string& id) const
{
    return m_session.render({{"id", id}});
}

std::string SessionRepository::index_key(const std::string& user) const
{
    return m_index.render({{"user", user}});
}

void SessionRepository::parse_value(const std::string& value, SessionEntry& entry)
{
    std::string problem;
    auto parsed = parse_json_value(value, problem);
    if (!parsed || !parsed->is_object()) {
        entry.status = SessionStatus::malformed;
        entry.problem = parsed ? "not a JSON object" : problem;
        return;
    }
    const nlohmann::ordered_json& doc = *parsed;
    auto user = doc.find("userId");
    if (user == doc.end() || user->is_null()) {
        entry.status = SessionStatus::malformed;
        entry.problem = "no userId";
        return;
    }
    entry.user = as_text(*user);
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const auto& key = it.key();
        if (key == "userId") {
            continue;
        }
        if (key == "createdAt" && as_millis(it.value())) {
            entry.created_at_ms = *as_millis(it.value());
        } else if (key == "rememberMe") {
            entry.remember_me = it.value().is_boolean() ? it.value().get<bool>() : as_text(it.value()) == "true";
        } else if (key == "role") {
            entry.role = as_text(it.value());
        } else if (key == "email") {
            entry.email = as_text(it.value());
        } else {
            entry.other[key] = it.value();
        }
    }
}

void SessionRepository::read_batch(const std::vector<std::string>& ids, const std::string& index_user,
                                   bool report_missing, const SessionCallback& on_entry)
{
    std::vector<redis::Command> commands;
    commands.reserve(ids.size() * 2);
    for (const auto& id : ids) {
        commands.push_back(redis::cmd("GET", session_key(id)));
        commands.push_back(redis::cmd("TTL", session_key(id)));
    }
    auto replies = m_client.pipeline(commands);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& value = replies.at(2 * i);
        SessionEntry entry;
        entry.id = ids[i];
        entry.user = index_user;
        if (value.is_nil()) {
            if (!report_missing) {
                continue; // expired or deleted since SCAN saw it
            }
            entry.status = SessionStatus::stale;
            on_entry(entry);
            continue;
        }
        if (value.is_error() && !value.is_wrongtype()) {
            throw ServerError(value.str); // not this session's problem: the server's state (NOAUTH, LOADING, ...)
        }
        entry.ttl_s = replies.at(2 * i + 1).check().as_integer("TTL"); // TTL answers for any type
        if (value.is_error()) {
            entry.status = SessionStatus::malformed; // e.g. WRONGTYPE: reported in its row, not fatal
            entry.problem = value.str;
        } else {
            parse_value(value.str, entry);
        }
        on_entry(entry);
    }
}

void SessionRepository::list_user(const std::string& user, const SessionCallback& on_entry,
                                  std::optional<long long> limit)
{
    redis::SetScanCursor cursor(m_client, index_key(user), m_scan_count);
    std::vector<std::string> ids;
    long long seen = 0;
    bool more = true;
    // With a limit, only the ids it keeps are read (GET + TTL), and SSCAN stops once it has them.
    while (more && (!limit || seen < *limit)) {
        more = cursor.next(ids);
        if (limit && seen + static_cast<long long>(ids.size()) > *limit) {
            ids.resize(static_cast<std::size_t>(*limit - seen));
        }
        if (!ids.empty()) {
            read_batch(ids, user, true, on_entry); // reports every id, stale ones too
            seen += static_cast<long long>(ids.size());
        }
    }
}

void SessionRepository::list_all(const SessionCallback& on_entry, std::optional<long long> limit)
{
    long long seen = 0;
    std::string pattern = m_session.scan_pattern({});
    redis::scan_keys(m_client, pattern, m_scan_count, [&](const std::vector<std::string>& keys) {
        std::vector<std::string> ids;
        ids.reserve(keys.size());
        for (const auto& key : keys) {
            auto parts = m_session.match(key);
            if (parts && (!limit || seen + static_cast<long long>(ids.size()) < *limit)) {
                ids.push_back((*parts)["id"]);
            }
        }
        read_batch(ids, {}, false, [&](const SessionEntry& e) {
            ++seen;
            on_entry(e);
        });
        return !limit || seen < *limit;
    });
}

std::vector<std::string> SessionRepository::find_by_prefix(const std::string& user, const std::string& prefix)
{
    redis::SetScanCursor cursor(m_client, index_key(user), m_scan_count, config::glob_escape(prefix) + "*");
    std::vector<std::string> found;
    std::vector<std::string> batch;
    bool more = true;
    while (more) {
        more = cursor.next(batch);
        found.insert(found.end(), batch.begin(), batch.end());
    }
    return found;
}

std::vector<std::string> SessionRepository::user_ids(const std::string& user)
{
    return find_by_prefix(user, "");
}

InvalidatedSession SessionRepository::invalidate(const std::string& id, const std::optional<std::string>& user,
                                                 bool dry_run)
{
    return invalidate_many({id}, user, dry_run).at(0);
}

void SessionRepository::invalidate_batch(const std::vector<std::string>& ids, const std::optional<std::string>& user,
                                         bool dry_run, std::vector<InvalidatedSession>& done, long long& deleted)
{
    std::vector<redis::Command> reads;
    reads.reserve(ids.size());
    for (const auto& id : ids) {
        reads.push_back(redis::cmd("GET", session_key(id)));
    }
    auto values = m_client.pipeline(reads);
    std::vector<std::string> existing;
    std::vector<redis::Command> index_commands;
    std::vector<std::size_t> indexed; // positions in done of the index_commands
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& value = values.at(i).check();
        InvalidatedSession result;
        result.id = ids[i];
        result.user = user.value_or("");
        if (!value.is_nil()) {
            SessionEntry entry;
            entry.id = ids[i];
            parse_value(value.as_string("GET"), entry);
            if (entry.status == SessionStatus::ok) {
                result.user = entry.user; // the payload names the index that holds the id
            }
            result.session_deleted = true; // existed when read; deleted below unless dry run
            existing.push_back(session_key(ids[i]));
        }
        if (!result.user.empty()) {
            index_commands.push_back(redis::cmd(dry_run ? "SISMEMBER" : "SREM", index_key(result.user), ids[i]));
            indexed.push_back(done.size());
        }
        done.push_back(std::move(result));
    }
    if (!dry_run) {
        // Multi-key UNLINKs (one per slot in a cluster). A session that expires between GET and UNLINK is still
        // reported deleted: it is gone either way.
        unlink_keys(m_client, existing, deleted);
    }
    auto replies = m_client.pipeline(index_commands);
    for (std::size_t j = 0; j < indexed.size(); ++j) {
        done[indexed[j]].unindexed = replies.at(j).check().as_integer(dry_run ? "SISMEMBER" : "SREM") > 0;
    }
}

std::vector<InvalidatedSession>
SessionRepository::invalidate_many(const std::vector<std::string>& ids, const std::optional<std::string>& user,
                                   bool dry_run, const std::function<void(const InvalidatedSession&)>& on_each)
{
    std::vector<InvalidatedSession> done;
    done.reserve(ids.size());
    long long deleted = 0;
    try {
        for (std::size_t begin = 0; begin < ids.size(); begin += k_unlink_batch) {
            std::vector<std::string> batch(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                           ids.begin() + static_cast<std::ptrdiff_t>(
                                                             std::min(ids.size(), begin + k_unlink_batch)));
            const std::size_t first = done.size();
            throw_if_interrupted(); // never between a batch's UNLINK and its SREMs
            invalidate_batch(batch, user, dry_run, done, deleted);
            if (on_each) {
                for (std::size_t i = first; i < done.size(); ++i) {
                    on_each(done[i]);
                }
            }
        }
    } catch (const Error& e) {
        if (dry_run) {
            throw;
        }
        throw Error::after(e, WorkDone{"deleted", "sessions", deleted, {}});
    }
    return done;
}

bool SessionRepository::drop_index(const std::string& user)
{
    return m_client.call(redis::cmd("UNLINK", index_key(user))).as_integer("UNLINK") > 0;
}

long long SessionRepository::index_size(const std::string& user)
{
    return m_client.call(redis::cmd("SCARD", index_key(user))).as_integer("SCARD");
}

PruneResult SessionRepository::prune(const std::string& user)
{
    PruneResult result;
    try {
        prune_into(user, result);
    } catch (const Error& e) {
        throw Error::after(e, WorkDone{"deleted", "stale index entries", result.stale, {}});
    }
    return result;
}

void SessionRepository::prune_into(const std::string& user, PruneResult& result)
{
    result.users += 1;
    std::string index = index_key(user);
    redis::SetScanCursor cursor(m_client, index, m_scan_count);
    std::vector<std::string> ids;
    bool more = true;
    while (more) {
        more = cursor.next(ids);
        if (ids.empty()) {
            continue;
        }
        std::vector<redis::Command> commands;
        commands.reserve(ids.size());
        for (const auto& id : ids) {
            commands.push_back(redis::cmd("EXISTS", session_key(id)));
        }
        auto replies = m_client.pipeline(commands);
        redis::Command srem = redis::cmd("SREM", index);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (replies.at(i).check().as_integer("EXISTS") == 0) {
                srem.args.push_back(ids[i]);
            }
        }
        result.entries += static_cast<long long>(ids.size());
        if (srem.args.size() > 2) {
            result.stale += m_client.call(srem).as_integer("SREM");
        }
    }
}

PruneResult SessionRepository::prune_all()
{
    PruneResult total;
    try {
        redis::scan_keys(
            m_client, m_index.scan_pattern({}), m_scan_count,
            [&](const std::vector<std::string>& keys) {
                for (const auto& key : keys) {
                    auto parts = m_index.match(key);
                    if (parts) {
                        prune_into((*parts)["user"], total);
                    }
                }
                return true;
            },
            "set");
    } catch (const Error& e) {
        throw Error::after(e, WorkDone{"deleted", "stale index entries", total.stale, {}});
    }
    return total;
}

} // namespace redops::repo
