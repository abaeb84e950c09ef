// Which node serves which slot: the CLUSTER SLOTS answer as a lookup table, plus MOVED/ASK redirect parsing.
#pragma once

#include "redis/options.h"
#include "redis/reply.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::redis {

struct ClusterNode {
    Endpoint endpoint;
    bool primary = false;
    // A primary without slots (just added, or failed over and not yet back as a replica) holds no keys and
    // serves nobody: it is listed, but neither scanned nor counted against the cluster's health.
    bool slotless = false;
};

class SlotMap {
public:
    // Parses a CLUSTER SLOTS reply. `asked_host` stands in for the empty host a node reports for itself.
    // Throws Error(protocol) on a malformed reply.
    static SlotMap from_cluster_slots(const Reply& reply, const std::string& asked_host);

    // The primary serving `slot`, or nullopt while nobody does.
    std::optional<Endpoint> owner(int slot) const;
    // What a MOVED reply says: `slot` now lives on `endpoint` (a primary, possibly new to us).
    void set_owner(int slot, const Endpoint& endpoint);

    // Every primary that serves at least one slot, in the order of their first slot.
    std::vector<Endpoint> primaries() const;
    // Primaries first, then replicas; each node once.
    const std::vector<ClusterNode>& nodes() const { return m_nodes; }
    // Number of slots without an owner (0 when the cluster is fully covered).
    int uncovered_slots() const;

private:
    int index_of(const Endpoint& endpoint, bool primary);

    std::vector<ClusterNode> m_nodes;
    std::vector<int> m_owner; // slot -> index into m_nodes, -1 when unassigned
};

// Every node a CLUSTER NODES reply lists (failed ones too: a report should show them, not lose them), primaries
// first, each group by address. Nodes without an address yet (noaddr, handshake) are left out; an empty host is
// `asked_host`. Unlike CLUSTER SLOTS, replicas appear before their first replication offset is gossiped.
std::vector<ClusterNode> parse_cluster_nodes(std::string_view text, const std::string& asked_host);

struct Redirect {
    enum class Kind { moved, ask };
    Kind kind = Kind::moved;
    int slot = 0;
    Endpoint target;
};

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 :6381" (empty host: the node that answered, `current_host`).
std::optional<Redirect> parse_redirect(const Reply& reply, const std::string& current_host);

} // namespace redops::redis
