#include "repo/key_census.h"

#include "common/clock.h"
#include "common/error.h"
#include "redis/scan.h"
#include "repo/doctor_audit.h"
#include "repo/index_walk.h"
#include "repo/token_repository.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace redops::repo {

namespace {

std::size_t kind_index(const KeyClassifier& classifier, std::string_view name)
{
    const auto& kinds = classifier.kinds();
    auto it = std::find(kinds.begin(), kinds.end(), name);
    return it == kinds.end() ? classifier.other() : static_cast<std::size_t>(it - kinds.begin());
}

} // namespace

KeyCensus::KeyCensus(KeyClassifier classifier, CensusSettings settings,
                     std::optional<std::chrono::milliseconds> whole_pass_budget)
    : m_classifier(std::move(classifier)), m_settings(std::move(settings)), m_budget(whole_pass_budget)
{
    m_token = kind_index(m_classifier, "token");
    m_lock = kind_index(m_classifier, "lock");
    m_user_index = kind_index(m_classifier, "user_index");
}

void KeyCensus::restart()
{
    m_pass.clear();
    m_counting.clear();
    m_counting_no_ttl.clear();
    m_layer = LayerFigures{};
    m_cut_short = false;
    m_scanned = 0;
}

std::vector<redis::NodeAddress> KeyCensus::primaries(redis::Client& client)
{
    std::vector<redis::NodeAddress> primaries;
    for (auto& node : client.nodes()) {
        if (node.role.empty() || node.role == "master") {
            primaries.push_back(std::move(node));
        }
    }
    return primaries;
}

bool KeyCensus::same_nodes(const std::vector<redis::NodeAddress>& nodes) const
{
    return std::equal(nodes.begin(), nodes.end(), m_pass.begin(), m_pass.end(),
                      [](const auto& node, const auto& cursor) {
                          return node.options.endpoint.describe() == cursor.node.options.endpoint.describe();
                      });
}

void KeyCensus::begin(std::vector<redis::NodeAddress> nodes)
{
    restart();
    for (auto& node : nodes) {
        NodeCursor cursor;
        cursor.node = std::move(node);
        m_pass.push_back(std::move(cursor));
    }
    m_counting.assign(m_classifier.kinds().size(), 0);
    m_counting_no_ttl.assign(m_classifier.kinds().size(), 0);
}

void KeyCensus::judge_token(const std::string& key, const redis::Reply& value, long long now)
{
    if (!value.is_string() || static_cast<long long>(value.str.size()) > k_max_value_bytes) {
        return; // another type, or a value too long to be a payload: doctor reports it, it has no expiresAt
    }
    TokenEntry entry;
    try {
        TokenRepository::parse_payload(key, value.str, entry);
    } catch (const Error&) {
        return; // malformed: no expiresAt to judge (doctor reports it)
    }
    if (entry.expires_at_ms <= now) {
        ++m_layer.tokens_expired;
    } else if (entry.expires_at_ms - now <= m_settings.token_safety_buffer_ms) {
        ++m_layer.tokens_in_safety_buffer;
    }
}

// One pipeline on the batch's node: PTTL of every key, and the value of each token. A key gone by then (PTTL -2)
// or moved (resharding) is not counted: the counts and the figures are of the same keys.
void KeyCensus::read_batch(redis::Connection& connection, const std::vector<std::string>& keys,
                           std::vector<std::string>& indexes)
{
    std::vector<std::size_t> kinds;
    std::vector<redis::Command> commands;
    kinds.reserve(keys.size());
    commands.reserve(keys.size() * 2);
    for (const auto& key : keys) {
        const std::size_t kind = m_classifier.classify(key);
        kinds.push_back(kind);
        commands.push_back(redis::cmd("PTTL", key));
        if (kind == m_token) {
            commands.push_back(redis::cmd("GETRANGE", key, 0, k_max_value_bytes));
        }
    }
    if (commands.empty()) {
        return;
    }
    auto replies = connection.pipeline(commands);
    const long long now = now_ms();
    std::size_t at = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::size_t kind = kinds[i];
        const redis::Reply& pttl_reply = replies.at(at++);
        const redis::Reply* value = kind == m_token ? &replies.at(at++) : nullptr;
        if (pttl_reply.is_redirect()) {
            continue;
        }
        const long long pttl = pttl_reply.check().as_integer("PTTL");
        if (pttl == -2) {
            continue; // expired or deleted since SCAN saw it
        }
        ++m_counting[kind];
        if (pttl == -1) {
            ++m_counting_no_ttl[kind];
        }
        if (kind == m_lock) {
            ++m_layer.locks_held;
            if (pttl >= 0) {
                const long long consumed = std::max(0LL, m_settings.lock_ttl_ms - pttl);
                m_layer.lock_ttl_consumed_max_ms = std::max(m_layer.lock_ttl_consumed_max_ms.value_or(0), consumed);
            }
        } else if (kind == m_token && !value->is_redirect() && !value->is_wrongtype()) {
            judge_token(keys[i], value->check(), now);
        } else if (kind == m_user_index) {
            indexes.push_back(keys[i]);
        }
    }
}

// SCAN keeps no state on the server: the cursor we hold between samples is the whole iteration.
void KeyCensus::advance(redis::Client& client, NodeCursor& node, int max_scans,
                        std::optional<std::chrono::steady_clock::time_point> deadline)
{
    std::vector<std::string> indexes;
    client.with_node(node.node, [&](redis::Connection& connection) {
        if (!node.bound) {
            node.bound.emplace(fmt::format("SCAN on {}", connection.peer()), redis::node_size_hint(connection),
                               m_settings.scan_count);
        }
        for (int scans = 0; scans < max_scans && !node.done; ++scans) {
            std::vector<std::string> keys;
            node.cursor = redis::read_scan_reply(connection.call(
                                                     redis::cmd("SCAN", node.cursor, "COUNT", m_settings.scan_count)),
                                                 keys);
            node.bound->step(node.cursor);
            m_scanned += static_cast<long long>(keys.size());
            read_batch(connection, keys, indexes);
            node.done = node.cursor == "0";
        }
    });
    // The members' session keys may live on other nodes: the walks go through the client's routing.
    const bool walked = walk_user_indexes(
        client, m_settings.session_template, indexes, m_settings.scan_count,
        [&](const IndexPage& page) { m_layer.stale_index_entries += static_cast<long long>(page.stale.size()); },
        deadline);
    m_cut_short = m_cut_short || !walked;
}

void KeyCensus::publish(bool partial)
{
    std::vector<KeyCount> counts;
    for (std::size_t kind = 0; kind < m_counting.size(); ++kind) {
        counts.push_back({m_classifier.kinds()[kind], m_counting[kind], m_counting_no_ttl[kind]});
    }
    m_published.counts = std::move(counts);
    m_published.layer = m_layer;
    m_published.counted_at_ms = now_ms();
    m_published.exact = m_budget.has_value();
    m_published.partial = partial || m_cut_short;
    restart();
}

KeyCensusReport KeyCensus::step(redis::Client& client)
{
    m_published.error.clear();
    m_published.exact = false;
    try {
        std::vector<redis::NodeAddress> nodes = primaries(client);
        if (m_pass.empty() || m_budget || !same_nodes(nodes)) {
            begin(std::move(nodes));
        }
        if (m_budget) {
            // A whole pass, node by node, a few SCAN calls at a time so the budget is looked at often.
            const auto deadline = std::chrono::steady_clock::now() + *m_budget;
            bool complete = false;
            while (!complete && std::chrono::steady_clock::now() < deadline) {
                complete = true;
                for (auto& node : m_pass) {
                    if (!node.done) {
                        advance(client, node, 1, deadline);
                    }
                    complete = complete && node.done;
                }
            }
            publish(!complete);
        } else {
            bool complete = true;
            for (auto& node : m_pass) {
                advance(client, node, k_scans_per_step, std::nullopt);
                complete = complete && node.done;
            }
            if (complete) {
                publish(false);
            }
        }
    } catch (const Error& e) {
        m_published.error = e.what();
        restart();
    }
    KeyCensusReport report = m_published;
    report.scanned = m_scanned;
    return report;
}

} // namespace redops::repo
