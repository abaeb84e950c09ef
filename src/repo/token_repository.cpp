// TokenRepository: the only code that knows the token payload format and how token keys are flushed.
#include "repo/token_repository.h"

#include "common/clock.h"
#include "common/error.h"
#include "redis/scan.h"
#include "redis/script.h"
#include "repo/json_value.h"
#include "repo/state_guard.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace redops::repo {

namespace {

// SET of a token payload, refused on a key that is not a string. KEYS[1] token key; ARGV payload, ttl s.
// Replies OK; WRONGSTATE when the key holds another type.
const redis::Script& set_script()
{
    static const redis::Script script(std::string(k_lua_require_string) + R"lua(
return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
)lua");
    return script;
}

long long number_field(const nlohmann::ordered_json& doc, const char* name, const std::string& key)
{
    auto it = doc.find(name);
    if (it == doc.end()) {
        throw Error(ErrorKind::data, fmt::format("token payload of key \"{}\" has no \"{}\" field", key, name));
    }
    if (it->is_number_integer()) {
        return it->get<long long>();
    }
    if (it->is_number_float()) {
        // Some writers serialise ms as 1.7e12; a whole number in a double is still a valid instant.
        double value = it->get<double>();
        if (std::isfinite(value) && std::fabs(value) < 9e18) {
            return static_cast<long long>(value);
        }
    }
    throw Error(ErrorKind::data, fmt::format("token payload of key \"{}\": \"{}\" is not a number", key, name));
}

} // namespace

std::string TokenRepository::payload(const std::string& token, long long expires_at_ms, long long cached_at_ms)
{
    nlohmann::ordered_json doc;
    doc["token"] = token;
    doc["expiresAt"] = expires_at_ms;
    doc["cachedAt"] = cached_at_ms;
    return doc.dump();
}

void TokenRepository::parse_payload(const std::string& key, const std::string& value, TokenEntry& entry)
{
    std::string problem;
    auto parsed = parse_json_value(value, problem);
    if (!parsed) {
        throw Error(ErrorKind::data, fmt::format("token payload of key \"{}\" is {}", key, problem));
    }
    const nlohmann::ordered_json& doc = *parsed;
    if (!doc.is_object()) {
        throw Error(ErrorKind::data, fmt::format("token payload of key \"{}\" is not a JSON object", key));
    }
    auto token = doc.find("token");
    if (token == doc.end() || !token->is_string()) {
        throw Error(ErrorKind::data, fmt::format("token payload of key \"{}\" has no string \"token\" field", key));
    }
    entry.token = token->get<std::string>();
    entry.expires_at_ms = number_field(doc, "expiresAt", key);
    entry.cached_at_ms = number_field(doc, "cachedAt", key);
}

std::map<std::string, std::string> TokenRepository::values(const std::optional<std::string>& provider,
                                                           const std::optional<std::string>& tenant) const
{
    std::map<std::string, std::string> known;
    if (provider) {
        known["provider"] = *provider;
    }
    if (tenant) {
        known["tenant"] = *tenant;
    }
    return known;
}

long long TokenRepository::scan_count() const
{
    // A small COUNT makes SCAN round trips dominate a bulk flush; 1000 is the floor the contract asks for.
    return std::max<long long>(1000, m_scan_count);
}

std::optional<TokenEntry> TokenRepository::get(const std::string& provider, const std::string& tenant)
{
    TokenEntry entry;
    entry.key = m_template.render(values(provider, tenant));
    entry.provider = provider;
    entry.tenant = tenant;
    auto replies = m_client.pipeline({redis::cmd("GET", entry.key), redis::cmd("TTL", entry.key)});
    if (replies.at(0).is_error()) {
        // WRONGTYPE and friends: name the key, an operator cannot act on a bare "WRONGTYPE Operation...".
        throw ServerError(replies[0].str, entry.key); // keeps NOAUTH an auth error (exit 3)
    }
    if (replies[0].is_nil()) {
        return std::nullopt;
    }
    parse_payload(entry.key, replies[0].as_string("GET"), entry);
    entry.ttl_s = replies.at(1).check().as_integer("TTL");
    return entry;
}

TokenEntry TokenRepository::set(const std::string& provider, const std::string& tenant, const std::string& token,
                                long long expires_in_s, long long safety_buffer_s)
{
    long long ttl = expires_in_s - safety_buffer_s;
    if (ttl <= 0) {
        throw Error(ErrorKind::usage,
                    fmt::format("TTL would be {}s (expires in {}s minus safety buffer {}s); nothing written", ttl,
                                expires_in_s, safety_buffer_s));
    }
    TokenEntry entry;
    entry.key = m_template.render_unambiguous(values(provider, tenant));
    entry.provider = provider;
    entry.tenant = tenant;
    entry.token = token;
    entry.cached_at_ms = now_ms();
    entry.expires_at_ms = entry.cached_at_ms + expires_in_s * 1000;
    entry.ttl_s = ttl;
    redis::ScriptCall call{{entry.key}, {payload(token, entry.expires_at_ms, entry.cached_at_ms), std::to_string(ttl)}};
    run_guarded(m_client, set_script(), call, "a token payload");
    return entry;
}

BulkDeleteResult TokenRepository::flush(const std::optional<std::string>& provider,
                                        const std::optional<std::string>& tenant, bool dry_run,
                                        const FlushBatch& on_batch)
{
    BulkDeleteRequest request{m_template, values(provider, tenant), scan_count(), dry_run, on_batch};
    return bulk_delete(m_client, request);
}

std::string TokenRepository::flush_pattern(const std::optional<std::string>& provider,
                                           const std::optional<std::string>& tenant) const
{
    return m_template.scan_pattern(values(provider, tenant));
}

void TokenRepository::list(const std::optional<std::string>& provider, const EntryCallback& on_entry)
{
    const auto known = values(provider, std::nullopt);
    std::string pattern = m_template.scan_pattern(known);
    redis::scan_keys(m_client, pattern, scan_count(), [&](const std::vector<std::string>& keys) {
        std::vector<redis::Command> commands;
        commands.reserve(keys.size() * 2);
        for (const auto& key : keys) {
            commands.push_back(redis::cmd("GET", key));
            commands.push_back(redis::cmd("TTL", key));
        }
        auto replies = m_client.pipeline(commands);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto& value = replies.at(2 * i);
            auto parts = m_template.match(keys[i]);
            if (value.is_nil() || !parts ||
                m_template.classify(keys[i], known) == config::KeyTemplate::Ownership::foreign) {
                continue; // expired or deleted since SCAN saw it, or not a token key of this provider
            }
            TokenEntry entry;
            entry.key = keys[i];
            entry.provider = (*parts)["provider"];
            entry.tenant = (*parts)["tenant"];
            if (value.is_error() && !value.is_wrongtype()) {
                throw ServerError(value.str); // not this key's problem: the server's state (NOAUTH, LOADING, ...)
            }
            entry.ttl_s = replies.at(2 * i + 1).check().as_integer("TTL"); // TTL answers for any type
            try {
                parse_payload(keys[i], value.check().as_string("GET"), entry);
            } catch (const Error& e) {
                // One bad key must not hide the others in a listing; it is reported in its row.
                entry.problem = e.what();
            }
            on_entry(entry);
        }
        return true;
    });
}

} // namespace redops::repo
