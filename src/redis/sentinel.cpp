#include "redis/sentinel.h"

#include "common/error.h"
#include "redis/connection.h"

#include <fmt/format.h>

namespace redops::redis {

Endpoint parse_host_port(const std::string& text)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        throw Error(ErrorKind::config, fmt::format("invalid address \"{}\" (use HOST:PORT)", text));
    }
    Endpoint endpoint;
    endpoint.host = text.substr(0, colon);
    if (endpoint.host.size() > 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
        endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
    }
    try {
        endpoint.port = std::stoi(text.substr(colon + 1));
    } catch (const std::exception&) {
        throw Error(ErrorKind::config, fmt::format("invalid port in \"{}\"", text));
    }
    return endpoint;
}

namespace {

// One sentinel's answer for the master's address; nullopt when it does not monitor that name.
std::optional<Endpoint> ask_sentinel(const std::string& sentinel, const SentinelQuery& query,
                                     const ConnectionOptions& base)
{
    ConnectionOptions options = base;
    options.endpoint = parse_host_port(sentinel);
    options.user.clear();
    options.password = query.password;
    options.db = 0;
    Connection connection = Connection::open(options);
    Reply reply = connection.call(cmd("SENTINEL", "get-master-addr-by-name", query.master));
    if (reply.is_nil()) {
        return std::nullopt;
    }
    const auto& parts = reply.as_array("SENTINEL get-master-addr-by-name");
    if (parts.size() != 2) {
        throw Error(ErrorKind::protocol, "malformed reply to SENTINEL get-master-addr-by-name");
    }
    Endpoint endpoint;
    endpoint.host = parts[0].as_string("SENTINEL get-master-addr-by-name");
    endpoint.port = std::stoi(parts[1].as_string("SENTINEL get-master-addr-by-name"));
    return endpoint;
}

std::optional<Endpoint> discover(const SentinelQuery& query, const ConnectionOptions& base,
                                 std::vector<std::string>& failures, bool& known)
{
    for (const auto& sentinel : query.sentinels) {
        try {
            if (auto endpoint = ask_sentinel(sentinel, query, base)) {
                known = true;
                return endpoint;
            }
            failures.push_back(fmt::format("{}: does not monitor \"{}\"", sentinel, query.master));
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::config) {
                throw;
            }
            failures.push_back(fmt::format("{}: {}", sentinel, e.what()));
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<Endpoint> sentinel_named_primary(const SentinelQuery& query, const ConnectionOptions& base)
{
    std::vector<std::string> failures;
    bool known = false;
    try {
        return discover(query, base, failures, known);
    } catch (const Error&) {
        return std::nullopt;
    }
}

ConnectionOptions resolve_sentinel_primary(const SentinelQuery& query, const ConnectionOptions& base)
{
    std::vector<std::string> failures;
    // A failover may be under way: if the address we got is not (yet) a master, ask once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool known = false;
        std::optional<Endpoint> endpoint = discover(query, base, failures, known);
        if (!endpoint) {
            std::string detail;
            for (const auto& f : failures) {
                detail += (detail.empty() ? "" : "; ") + f;
            }
            throw Error(ErrorKind::connection,
                        fmt::format("no sentinel could name the primary of \"{}\": {}", query.master, detail));
        }
        ConnectionOptions primary = base;
        primary.endpoint = *endpoint;
        Connection connection = Connection::open(primary);
        Reply role = connection.call(cmd("ROLE"));
        const auto& parts = role.as_array("ROLE");
        if (!parts.empty() && parts[0].as_string("ROLE") == "master") {
            return primary;
        }
        failures.push_back(fmt::format("{} reports role {}", endpoint->host, parts.empty() ? "?" : parts[0].str));
    }
    throw Error(ErrorKind::connection,
                fmt::format("the address the sentinels gave for \"{}\" is not a primary", query.master));
}

} // namespace redops::redis
