// Streaming SCAN / SSCAN cursors: one bounded batch per step, never the whole keyspace in memory.
#pragma once

#include "redis/client.h"
#include "redis/connection.h"

#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace redops::redis {

// A SCAN-family reply is [cursor, [items...]]: replaces `items` with the batch and returns the next cursor
// ("0" when the iteration is complete). Error(protocol) on any other shape or a cursor that is not a number.
std::string read_scan_reply(const Reply& reply, std::vector<std::string>& items, const char* context = "SCAN");

// Keeps one SCAN-family iteration finite whatever the server (or a proxy) answers: a cursor that comes back
// again, or more calls than a keyspace of `size_hint` entries can need at `count` per call, is Error(protocol).
class ScanBound {
public:
    ScanBound(std::string what, long long size_hint, long long count);
    // Called with each cursor a reply returned.
    void step(const std::string& cursor);
    long long calls() const { return m_calls; }

private:
    std::string m_what; // "SCAN on 127.0.0.1:6379"
    long long m_max_calls;
    long long m_calls = 0;
    std::unordered_set<unsigned long long> m_seen;
};

// The call limit ScanBound applies to a keyspace of `size_hint` entries (a negative hint: size unknown).
long long scan_call_limit(long long size_hint, long long count);
// The number of keys on that node (DBSIZE), or -1 when the server will not say.
long long node_size_hint(Connection& connection);
// Drops from `keys` every entry the MATCH pattern does not match: a server or proxy may ignore MATCH.
void keep_matching(const std::string& pattern, std::vector<std::string>& keys);

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
    std::optional<ScanBound> m_bound;
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
    std::optional<ScanBound> m_bound;
};

// Calls on_batch with every batch of keys matching pattern on every primary; stops early when it returns false.
void scan_keys(Client& client, const std::string& pattern, long long count,
               const std::function<bool(const std::vector<std::string>&)>& on_batch, const std::string& type = {});

} // namespace redops::redis
