#include "redis/scan.h"

#include "common/error.h"
#include "common/interrupt.h"
#include "redis/glob.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace redops::redis {

std::string read_scan_reply(const Reply& reply, std::vector<std::string>& items, const char* context)
{
    const auto& parts = reply.as_array(context);
    if (parts.size() != 2) {
        throw Error(ErrorKind::protocol, std::string("malformed reply to ") + context);
    }
    const std::string& cursor = parts[0].as_string(context);
    unsigned long long value = 0;
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), value);
    if (cursor.empty() || ec != std::errc() || end != cursor.data() + cursor.size()) {
        throw Error(ErrorKind::protocol, fmt::format("{} returned the cursor \"{}\", which is not a number; stopped",
                                                     context, cursor.substr(0, 40)));
    }
    items.clear();
    for (const auto& item : parts[1].as_array(context)) {
        items.push_back(item.as_string(context));
    }
    return cursor;
}

long long scan_call_limit(long long size_hint, long long count)
{
    // SCAN visits hash buckets, at least `count` per call, and a table has at most about two buckets per
    // entry (four while it rehashes); 16 times that, plus slack for a table that grows meanwhile.
    const long long per_call = std::max<long long>(1, count);
    const long long size = size_hint < 0 ? 10'000'000 : size_hint;
    return 16 * (size / per_call + 1) + 1000;
}

ScanBound::ScanBound(std::string what, long long size_hint, long long count)
    : m_what(std::move(what)), m_max_calls(scan_call_limit(size_hint, count))
{
}

void ScanBound::step(const std::string& cursor)
{
    ++m_calls;
    if (cursor == "0") {
        return;
    }
    unsigned long long value = std::stoull(cursor); // read_scan_reply checked it is a number
    if (!m_seen.insert(value).second) {
        throw Error(ErrorKind::protocol,
                    fmt::format("{} returned cursor {} a second time after {} calls: the iteration would never end "
                                "(a proxy or server that does not implement SCAN?); stopped",
                                m_what, cursor, m_calls));
    }
    if (m_calls >= m_max_calls) {
        throw Error(ErrorKind::protocol,
                    fmt::format("{} did not finish after {} calls, far more than the keyspace needs; stopped", m_what,
                                m_calls));
    }
}

long long node_size_hint(Connection& connection)
{
    Reply reply = connection.call_raw(cmd("DBSIZE"));
    return reply.is_integer() && reply.integer >= 0 ? reply.integer : -1;
}

void keep_matching(const std::string& pattern, std::vector<std::string>& keys)
{
    if (pattern.empty()) {
        return;
    }
    keys.erase(std::remove_if(keys.begin(), keys.end(),
                              [&](const std::string& key) { return !glob_match(pattern, key); }),
               keys.end());
}

ScanCursor::ScanCursor(Connection& connection, std::string pattern, long long count, std::string type)
    : m_connection(connection), m_pattern(std::move(pattern)), m_count(count), m_type(std::move(type))
{
}

bool ScanCursor::next(std::vector<std::string>& keys)
{
    keys.clear();
    if (m_done) {
        return false;
    }
    throw_if_interrupted(); // a safe point: the previous page was handled whole
    Command command = cmd("SCAN", m_cursor, "COUNT", m_count);
    if (!m_pattern.empty()) {
        command.args.insert(command.args.end(), {"MATCH", m_pattern});
    }
    if (!m_type.empty()) {
        command.args.insert(command.args.end(), {"TYPE", m_type});
    }
    if (!m_bound) {
        m_bound.emplace(fmt::format("SCAN on {}", m_connection.peer()), node_size_hint(m_connection), m_count);
    }
    m_cursor = read_scan_reply(m_connection.call(command), keys, "SCAN");
    m_bound->step(m_cursor);
    m_done = m_cursor == "0";
    keep_matching(m_pattern, keys);
    return true;
}

SetScanCursor::SetScanCursor(Client& client, std::string key, long long count, std::string pattern)
    : m_client(client), m_key(std::move(key)), m_count(count), m_pattern(std::move(pattern))
{
}

bool SetScanCursor::next(std::vector<std::string>& members)
{
    members.clear();
    if (m_done) {
        return false;
    }
    throw_if_interrupted();
    Command command = cmd("SSCAN", m_key, m_cursor, "COUNT", m_count);
    if (!m_pattern.empty()) {
        command.args.insert(command.args.end(), {"MATCH", m_pattern});
    }
    if (!m_bound) {
        Reply size = m_client.call(cmd("SCARD", m_key));
        m_bound.emplace(fmt::format("SSCAN of {}", m_key), size.is_integer() ? size.integer : -1, m_count);
    }
    m_cursor = read_scan_reply(m_client.call(command), members, "SSCAN");
    m_bound->step(m_cursor);
    m_done = m_cursor == "0";
    keep_matching(m_pattern, members);
    return true;
}

void scan_keys(Client& client, const std::string& pattern, long long count,
               const std::function<bool(const std::vector<std::string>&)>& on_batch, const std::string& type)
{
    bool stop = false;
    client.for_each_primary([&](Connection& connection) {
        if (stop) {
            return;
        }
        ScanCursor cursor(connection, pattern, count, type);
        std::vector<std::string> keys;
        while (cursor.next(keys)) {
            if (!keys.empty() && !on_batch(keys)) {
                stop = true;
                return;
            }
        }
    });
}

} // namespace redops::redis
