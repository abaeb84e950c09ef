#include "redis/scan.h"

#include "common/error.h"

namespace redops::redis {

std::string read_scan_reply(const Reply& reply, std::vector<std::string>& items, const char* context)
{
    const auto& parts = reply.as_array(context);
    if (parts.size() != 2) {
        throw Error(ErrorKind::protocol, std::string("malformed reply to ") + context);
    }
    items.clear();
    for (const auto& item : parts[1].as_array(context)) {
        items.push_back(item.as_string(context));
    }
    return parts[0].as_string(context);
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
    Command command = cmd("SCAN", m_cursor, "COUNT", m_count);
    if (!m_pattern.empty()) {
        command.args.insert(command.args.end(), {"MATCH", m_pattern});
    }
    if (!m_type.empty()) {
        command.args.insert(command.args.end(), {"TYPE", m_type});
    }
    m_cursor = read_scan_reply(m_connection.call(command), keys, "SCAN");
    m_done = m_cursor == "0";
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
    Command command = cmd("SSCAN", m_key, m_cursor, "COUNT", m_count);
    if (!m_pattern.empty()) {
        command.args.insert(command.args.end(), {"MATCH", m_pattern});
    }
    m_cursor = read_scan_reply(m_client.call(command), members, "SSCAN");
    m_done = m_cursor == "0";
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
