// SessionRepository: the only code that knows the session payload and the per-user index of session ids.
#include "repo/session_repository.h"

#include "common/error.h"
#include "redis/scan.h"
#include "repo/json_value.h"

#include <fmt/format.h>

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
        if (value.is_error() && is_auth_reply(value.str)) {
            throw ServerError(value.str); // not this session's problem: the connection lost its authentication
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

void SessionRepository::list_user(const std::string& user, const SessionCallback& on_entry)
{
    redis::SetScanCursor cursor(m_client, index_key(user), m_scan_count);
    std::vector<std::string> ids;
    bool more = true;
    while (more) {
        more = cursor.next(ids);
        if (!ids.empty()) {
            read_batch(ids, user, true, on_entry);
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
    InvalidatedSession result;
    result.id = id;
    auto value = m_client.call(redis::cmd("GET", session_key(id)));
    if (!value.is_nil()) {
        SessionEntry entry;
        entry.id = id;
        parse_value(value.as_string("GET"), entry);
        result.user = entry.status == SessionStatus::ok ? entry.user : user.value_or("");
    } else {
        result.user = user.value_or("");
    }
    if (dry_run) {
        result.session_deleted = !value.is_nil();
        result.unindexed = !result.user.empty() &&
                           m_client.call(redis::cmd("SISMEMBER", index_key(result.user), id)).as_integer("SISMEMBER") == 1;
        return result;
    }
    // Two single-key commands: the session and the index hash to different cluster slots.
    result.session_deleted = m_client.call(redis::cmd("UNLINK", session_key(id))).as_integer("UNLINK") > 0;
    if (!result.user.empty()) {
        result.unindexed = m_client.call(redis::cmd("SREM", index_key(result.user), id)).as_integer("SREM") > 0;
    }
    return result;
}

std::vector<InvalidatedSession> SessionRepository::invalidate_many(
    const std::vector<std::string>& ids, const std::optional<std::string>& user, bool dry_run,
    const std::function<void(const InvalidatedSession&)>& on_each)
{
    std::vector<InvalidatedSession> done;
    done.reserve(ids.size());
    long long deleted = 0;
    try {
        for (const auto& id : ids) {
            done.push_back(invalidate(id, user, dry_run));
            deleted += done.back().session_deleted ? 1 : 0;
            if (on_each) {
                on_each(done.back());
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
