#include "redis/cluster_map.h"

#include "common/error.h"
#include "redis/cluster_slot.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <tuple>

namespace redops::redis {

namespace {

bool same_address(const Endpoint& a, const Endpoint& b)
{
    return a.port == b.port && a.host == b.host && a.unix_path == b.unix_path;
}

int parse_int(std::string_view text, std::string_view context)
{
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw Error(ErrorKind::protocol, fmt::format("malformed {}: \"{}\"", context, text));
    }
    return value;
}

Endpoint node_endpoint(const Reply& node, const std::string& asked_host)
{
    const auto& fields = node.as_array("CLUSTER SLOTS node");
    if (fields.size() < 2) {
        throw Error(ErrorKind::protocol, "malformed CLUSTER SLOTS node entry");
    }
    Endpoint endpoint;
    const std::string& host = fields[0].as_string("CLUSTER SLOTS host");
    // An empty host (or "?" on some versions) means "the address you reached me on".
    endpoint.host = host.empty() || host == "?" ? asked_host : host;
    endpoint.port = static_cast<int>(fields[1].as_integer("CLUSTER SLOTS port"));
    return endpoint;
}

} // namespace

int SlotMap::index_of(const Endpoint& endpoint, bool primary)
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (same_address(m_nodes[i].endpoint, endpoint)) {
            m_nodes[i].primary = m_nodes[i].primary || primary;
            return static_cast<int>(i);
        }
    }
    m_nodes.push_back(ClusterNode{endpoint, primary});
    return static_cast<int>(m_nodes.size() - 1);
}

SlotMap SlotMap::from_cluster_slots(const Reply& reply, const std::string& asked_host)
{
    SlotMap map;
    map.m_owner.assign(k_cluster_slots, -1);
    std::vector<Endpoint> replicas;
    for (const auto& range : reply.as_array("CLUSTER SLOTS")) {
        const auto& parts = range.as_array("CLUSTER SLOTS range");
        if (parts.size() < 3) {
            throw Error(ErrorKind::protocol, "malformed CLUSTER SLOTS range");
        }
        long long first = parts[0].as_integer("CLUSTER SLOTS range");
        long long last = parts[1].as_integer("CLUSTER SLOTS range");
        if (first < 0 || last >= k_cluster_slots || first > last) {
            throw Error(ErrorKind::protocol, fmt::format("CLUSTER SLOTS range {}-{} out of bounds", first, last));
        }
        int owner = map.index_of(node_endpoint(parts[2], asked_host), true);
        std::fill(map.m_owner.begin() + first, map.m_owner.begin() + last + 1, owner);
        for (std::size_t i = 3; i < parts.size(); ++i) {
            replicas.push_back(node_endpoint(parts[i], asked_host));
        }
    }
    // Replicas after every primary, so callers that walk nodes() meet the primaries first.
    for (const auto& replica : replicas) {
        map.index_of(replica, false);
    }
    return map;
}

std::optional<Endpoint> SlotMap::owner(int slot) const
{
    if (slot < 0 || slot >= static_cast<int>(m_owner.size()) || m_owner[static_cast<std::size_t>(slot)] < 0) {
        return std::nullopt;
    }
    return m_nodes[static_cast<std::size_t>(m_owner[static_cast<std::size_t>(slot)])].endpoint;
}

void SlotMap::set_owner(int slot, const Endpoint& endpoint)
{
    if (slot < 0 || slot >= k_cluster_slots) {
        return;
    }
    if (m_owner.empty()) {
        m_owner.assign(k_cluster_slots, -1);
    }
    m_owner[static_cast<std::size_t>(slot)] = index_of(endpoint, true);
}

std::vector<Endpoint> SlotMap::primaries() const
{
    std::vector<int> seen;
    std::vector<Endpoint> result;
    for (int owner : m_owner) {
        if (owner >= 0 && std::find(seen.begin(), seen.end(), owner) == seen.end()) {
            seen.push_back(owner);
            result.push_back(m_nodes[static_cast<std::size_t>(owner)].endpoint);
        }
    }
    return result;
}

int SlotMap::uncovered_slots() const
{
    if (m_owner.empty()) {
        return k_cluster_slots;
    }
    return static_cast<int>(std::count(m_owner.begin(), m_owner.end(), -1));
}

std::optional<Redirect> parse_redirect(const Reply& reply, const std::string& current_host)
{
    if (!reply.is_error()) {
        return std::nullopt;
    }
    std::string_view text = reply.str;
    Redirect redirect;
    if (text.rfind("MOVED ", 0) == 0) {
        redirect.kind = Redirect::Kind::moved;
        text.remove_prefix(6);
    } else if (text.rfind("ASK ", 0) == 0) {
        redirect.kind = Redirect::Kind::ask;
        text.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    auto space = text.find(' ');
    auto colon = text.rfind(':');
    if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) {
        throw Error(ErrorKind::protocol, fmt::format("malformed redirect \"{}\"", reply.str));
    }
    redirect.slot = parse_int(text.substr(0, space), "redirect slot");
    std::string_view host = text.substr(space + 1, colon - space - 1);
    redirect.target.host = host.empty() ? current_host : std::string(host);
    redirect.target.port = parse_int(text.substr(colon + 1), "redirect port");
    return redirect;
}

std::vector<ClusterNode> parse_cluster_nodes(std::string_view text, const std::string& asked_host)
{
    std::vector<ClusterNode> nodes;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        // <id> <ip:port@cport[,hostname]> <flags> <master> ...
        std::vector<std::string_view> fields;
        // Fields from the ninth on are slot ranges; only whether there is one matters here.
        for (std::size_t pos = 0; pos < line.size() && fields.size() < 9;) {
            auto space = line.find(' ', pos);
            fields.push_back(line.substr(pos, space == std::string_view::npos ? line.size() - pos : space - pos));
            pos = space == std::string_view::npos ? line.size() : space + 1;
        }
        if (fields.size() < 3) {
            continue;
        }
        std::string_view address = fields[1].substr(0, fields[1].find_first_of("@,"));
        std::string_view flags = fields[2];
        if (flags.find("noaddr") != std::string_view::npos || flags.find("handshake") != std::string_view::npos) {
            continue;
        }
        auto colon = address.rfind(':');
        if (colon == std::string_view::npos) {
            throw Error(ErrorKind::protocol, fmt::format("malformed CLUSTER NODES address \"{}\"", address));
        }
        ClusterNode node;
        node.endpoint.host = colon == 0 ? asked_host : std::string(address.substr(0, colon));
        node.endpoint.port = 0;
        auto port_text = address.substr(colon + 1);
        auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), node.endpoint.port);
        if (ec != std::errc() || node.endpoint.port <= 0) {
            continue; // a node that has not told its port yet
        }
        (void)ptr;
        node.primary = flags.find("master") != std::string_view::npos;
        node.slotless = node.primary && fields.size() < 9;
        nodes.push_back(std::move(node));
    }
    std::stable_sort(nodes.begin(), nodes.end(), [](const ClusterNode& a, const ClusterNode& b) {
        if (a.primary != b.primary) {
            return a.primary;
        }
        return std::tie(a.endpoint.host, a.endpoint.port) < std::tie(b.endpoint.host, b.endpoint.port);
    });
    return nodes;
}

} // namespace redops::redis
