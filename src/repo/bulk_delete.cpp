#include "repo/bulk_delete.h"

#include "common/error.h"
#include "common/interrupt.h"
#include "redis/cluster_slot.h"
#include "redis/scan.h"

#include <fmt/format.h>

#include <algorithm>

namespace redops::repo {

void AmbiguousKeys::add(const std::string& key)
{
    ++count;
    if (first.size() < k_sample) {
        first.push_back(key);
    }
}

std::vector<std::vector<std::string>> unlink_groups(const std::vector<std::string>& keys, bool cluster)
{
    if (keys.empty()) {
        return {};
    }
    if (!cluster) {
        return {keys};
    }
    std::map<int, std::vector<std::string>> by_slot;
    for (const auto& key : keys) {
        by_slot[redis::key_slot(key)].push_back(key);
    }
    std::vector<std::vector<std::string>> groups;
    groups.reserve(by_slot.size());
    for (auto& [slot, group] : by_slot) {
        groups.push_back(std::move(group));
    }
    return groups;
}

namespace {

// One UNLINK command per group, followed by `reserve` free places for the caller's own commands.
std::vector<redis::Command> unlink_commands(const std::vector<std::vector<std::string>>& groups,
                                            std::size_t reserve = 0)
{
    std::vector<redis::Command> commands;
    commands.reserve(groups.size() + reserve);
    for (const auto& group : groups) {
        redis::Command unlink(std::vector<std::string>{"UNLINK"});
        unlink.args.insert(unlink.args.end(), group.begin(), group.end());
        commands.push_back(std::move(unlink));
    }
    return commands;
}

} // namespace

void unlink_keys(redis::Client& client, const std::vector<std::string>& keys, long long& deleted)
{
    bool cluster = client.topology() == "cluster";
    for (std::size_t begin = 0; begin < keys.size(); begin += k_unlink_batch) {
        std::vector<std::string> batch(keys.begin() + static_cast<std::ptrdiff_t>(begin),
                                       keys.begin() +
                                           static_cast<std::ptrdiff_t>(std::min(keys.size(), begin + k_unlink_batch)));
        auto commands = unlink_commands(unlink_groups(batch, cluster));
        // The cluster client follows MOVED/ASK per command; a group shares its slot, so it moves as one.
        for (const auto& reply : client.pipeline(commands)) {
            deleted += reply.check().as_integer("UNLINK");
        }
    }
}

namespace {

class NodePass {
public:
    NodePass(redis::Client& client, const BulkDeleteRequest& request, BulkDeleteResult& result)
        : m_client(client), m_request(request), m_result(result), m_cluster(client.topology() == "cluster"),
          m_pattern(request.key_template.scan_pattern(request.known))
    {
    }

    // Deletes this node's owned keys; `deleted` counts as it goes, so a failure can say how far it got.
    void run(redis::Connection& connection, long long& deleted)
    {
        redis::ScanBound bound(fmt::format("SCAN on {}", connection.peer()), redis::node_size_hint(connection),
                               m_request.scan_count);
        std::string cursor = "0";
        std::vector<std::string> pending;
        bool scanning = true;
        while (scanning || !pending.empty()) {
            throw_if_interrupted(); // between two pipelines: what was deleted is counted, the pending keys are not
            auto groups = unlink_groups(pending, m_cluster);
            auto commands = unlink_commands(groups, 1);
            if (scanning) {
                commands.push_back(redis::cmd("SCAN", cursor, "MATCH", m_pattern, "COUNT", m_request.scan_count));
            }
            auto replies = connection.pipeline(commands);
            if (!pending.empty()) {
                long long n = count_unlinked(groups, replies);
                deleted += n;
                report(pending, n);
                pending.clear();
            }
            if (scanning) {
                std::vector<std::string> keys;
                cursor = redis::read_scan_reply(replies.back().check(), keys);
                bound.step(cursor);
                scanning = cursor != "0";
                pending = owned(std::move(keys));
                if (m_request.dry_run && !pending.empty()) {
                    deleted += static_cast<long long>(pending.size());
                    report(pending, 0);
                    pending.clear();
                }
            }
        }
    }

private:
    void report(const std::vector<std::string>& keys, long long deleted) const
    {
        if (m_request.on_batch) {
            m_request.on_batch(keys, deleted);
        }
    }

    std::vector<std::string> owned(std::vector<std::string> keys)
    {
        redis::keep_matching(m_pattern, keys); // a server or proxy may ignore MATCH
        std::vector<std::string> mine;
        mine.reserve(keys.size());
        for (auto& key : keys) {
            switch (m_request.key_template.classify(key, m_request.known)) {
            case config::KeyTemplate::Ownership::owned: mine.push_back(std::move(key)); break;
            case config::KeyTemplate::Ownership::ambiguous: m_result.skipped_ambiguous.add(key); break;
            case config::KeyTemplate::Ownership::foreign: break;
            }
        }
        return mine;
    }

    long long count_unlinked(const std::vector<std::vector<std::string>>& groups,
                             const std::vector<redis::Reply>& replies)
    {
        long long n = 0;
        for (std::size_t i = 0; i < groups.size(); ++i) {
            if (replies.at(i).is_redirect()) {
                // The slot moved since SCAN saw its keys: send each key where the cluster says it lives now.
                for (const auto& key : groups[i]) {
                    n += m_client.call(redis::cmd("UNLINK", key)).as_integer("UNLINK");
                }
                continue;
            }
            n += replies.at(i).check().as_integer("UNLINK");
        }
        return n;
    }

    redis::Client& m_client;
    const BulkDeleteRequest& m_request;
    BulkDeleteResult& m_result;
    bool m_cluster;
    std::string m_pattern;
};

} // namespace

BulkDeleteResult bulk_delete(redis::Client& client, const BulkDeleteRequest& request)
{
    BulkDeleteResult result;
    NodePass pass(client, request, result);
    std::string node;
    long long node_deleted = 0;
    try {
        client.for_each_primary([&](redis::Connection& connection) {
            node = connection.peer();
            node_deleted = 0;
            pass.run(connection, node_deleted);
            result.deleted += node_deleted;
            result.per_node.emplace_back(node, node_deleted);
            node.clear();
            node_deleted = 0;
        });
    } catch (const Error& e) {
        if (request.dry_run) {
            throw;
        }
        WorkDone done;
        done.total = result.deleted + node_deleted;
        if (client.topology() == "cluster") {
            done.per_node = result.per_node;
            if (!node.empty()) {
                done.per_node.emplace_back(node, node_deleted);
            }
        }
        throw Error::after(e, std::move(done));
    }
    return result;
}

} // namespace redops::repo
