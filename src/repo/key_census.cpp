#include "repo/key_census.h"

#include "common/error.h"
#include "redis/scan.h"

#include <algorithm>
#include <fmt/format.h>
#include <chrono>

namespace redops::repo {

namespace {

long long now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

KeyCensus::KeyCensus(KeyClassifier classifier, long long scan_count,
                     std::optional<std::chrono::milliseconds> whole_pass_budget)
    : m_classifier(std::move(classifier)), m_scan_count(scan_count), m_budget(whole_pass_budget)
{
}

void KeyCensus::restart()
{
    m_pass.clear();
    m_counting.clear();
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
    return std::equal(nodes.begin(), nodes.end(), m_pass.begin(), m_pass.end(), [](const auto& node, const auto& cursor) {
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
}

void KeyCensus::count(const std::vector<std::string>& keys)
{
    for (const auto& key : keys) {
        ++m_counting[m_classifier.classify(key)];
    }
    m_scanned += static_cast<long long>(keys.size());
}

// SCAN keeps no state on the server: the cursor we hold between samples is the whole iteration.
void KeyCensus::advance(redis::Client& client, NodeCursor& node, int max_scans)
{
    client.with_node(node.node, [&](redis::Connection& connection) {
        if (!node.bound) {
            node.bound.emplace(fmt::format("SCAN on {}", connection.peer()), redis::node_size_hint(connection),
                               m_scan_count);
        }
        for (int scans = 0; scans < max_scans && !node.done; ++scans) {
            std::vector<std::string> keys;
            node.cursor = redis::read_scan_reply(
                connection.call(redis::cmd("SCAN", node.cursor, "COUNT", m_scan_count)), keys);
            node.bound->step(node.cursor);
            count(keys);
            node.done = node.cursor == "0";
        }
    });
}

void KeyCensus::publish(bool partial)
{
    std::vector<KeyCount> counts;
    for (std::size_t kind = 0; kind < m_counting.size(); ++kind) {
        counts.push_back({m_classifier.kinds()[kind], m_counting[kind]});
    }
    m_published.counts = std::move(counts);
    m_published.counted_at_ms = now_ms();
    m_published.exact = m_budget.has_value();
    m_published.partial = partial;
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
                        advance(client, node, 1);
                    }
                    complete = complete && node.done;
                }
            }
            publish(!complete);
        } else {
            bool complete = true;
            for (auto& node : m_pass) {
                advance(client, node, k_scans_per_step);
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
