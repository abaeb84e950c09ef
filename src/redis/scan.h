// Streaming SCAN / SSCAN cursors: one bounded batch per step, never the whole keyspace in memory.
#pragma once

#include "redis/client.h"
#include "redis/connection.h"

#include <functional>
#include <string>
#include <vector>

namespace redops::redis {

// A SCAN-family reply is [cursor, [items...]]: replaces `items` with the batch and returns the next cursor
// ("0" when the iteration is complete). Error(protocol) on any other shape; `context` names the command.
std::string read_scan_reply(const Reply& reply, std::vector<std::string>& items, const char* context = "SCAN");

// SCAN over one node's keyspace.
class ScanCursor {
public:
    ScanCursor(Connection& connection, std::string pattern, long long count, std::string type = {});
    // Replaces `keys` with the next batch (possibly empty); false once the iteration is complete.
    bool next(std::vector<std::string>& keys);

private:
    Connection& m_connection;
    std::string m_pattern;
    long long m_count;
    std::string m_type;
    std::string m_cursor = "0";
    bool m_done = false;
};

// SSCAN over one set; the command is routed by the set's key, so it works in a cluster too.
class SetScanCursor {
public:
    SetScanCursor(Client& client, std::string key, long long count, std::string pattern = {});
    bool next(std::vector<std::string>& members);

private:
    Client& m_client;
    std::string m_key;
    long long m_count;
    std::string m_pattern;
    std::string m_cursor = "0";
    bool m_done = false;
};

// Calls on_batch with every batch of keys matching pattern on every primary; stops early when it returns false.
void scan_keys(Client& client, const std::string& pattern, long long count,
               const std::function<bool(const std::vector<std::string>&)>& on_batch, const std::string& type = {});

} // namespace redops::redis
