// Cached OAuth tokens as the services store them: one JSON payload per provider and tenant, TTL-bound.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"
#include "repo/bulk_delete.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

struct TokenEntry {
    std::string key;
    std::string provider; // recovered from the key; empty when the template leaves it out
    std::string tenant;
    std::string token;
    long long expires_at_ms = 0;
    long long cached_at_ms = 0;
    long long ttl_s = -1; // Redis TTL: -1 no expiry
    std::string problem;  // list only: why the payload could not be read (the entry is reported, not fatal)
};

// A batch of matched keys and how many of them were deleted (0 on a dry run).
using FlushBatch = std::function<void(const std::vector<std::string>& keys, long long deleted)>;
using EntryCallback = std::function<void(const TokenEntry& entry)>;

class TokenRepository {
public:
    TokenRepository(redis::Client& client, const config::KeyTemplate& key_template, long long scan_count)
        : m_client(client), m_template(key_template), m_scan_count(scan_count)
    {
    }

    // nullopt on a miss; Error(data) naming the key for a payload that is not the services' JSON.
    std::optional<TokenEntry> get(const std::string& provider, const std::string& tenant);
    // One SET key payload EX (expires_in - buffer); Error(usage) when that TTL is <= 0, Error(data) when the key
    // holds another type (checked in the same script). Returns the entry written.
    TokenEntry set(const std::string& provider, const std::string& tenant, const std::string& token,
                   long long expires_in_s, long long safety_buffer_s);
    // SCAN + UNLINK of every key matching the supplied values (glob-escaped); streaming, one batch at a time.
    // Deletes (or on a dry run counts) the matching token keys that are provably token keys of these values.
    BulkDeleteResult flush(const std::optional<std::string>& provider, const std::optional<std::string>& tenant,
                           bool dry_run, const FlushBatch& on_batch);
    // The SCAN pattern flush uses for these values (what a prompt shows).
    std::string flush_pattern(const std::optional<std::string>& provider,
                              const std::optional<std::string>& tenant) const;
    // Streams every entry (optionally of one provider); payload GETs pipelined per SCAN batch.
    void list(const std::optional<std::string>& provider, const EntryCallback& on_entry);

    // The payload exactly as the services write it.
    static std::string payload(const std::string& token, long long expires_at_ms, long long cached_at_ms);
    // Parses a payload into entry; Error(data) naming key when it does not fit.
    static void parse_payload(const std::string& key, const std::string& value, TokenEntry& entry);

private:
    std::map<std::string, std::string> values(const std::optional<std::string>& provider,
                                              const std::optional<std::string>& tenant) const;
    long long scan_count() const;

    redis::Client& m_client;
    const config::KeyTemplate& m_template;
    long long m_scan_count;
};

} // namespace redops::repo
