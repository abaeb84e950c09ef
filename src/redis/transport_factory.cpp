#include "redis/transport_factory.h"

#include "redis/tls_transport.h"

#include <fmt/format.h>

namespace redops::redis {

std::string Endpoint::describe() const
{
    return unix_path.empty() ? format_peer(host, port) : unix_path;
}

std::unique_ptr<Transport> open_transport(const ConnectionOptions& options, const Deadline& deadline)
{
    const Endpoint& endpoint = options.endpoint;
    if (!endpoint.unix_path.empty()) {
        return std::make_unique<SocketTransport>(connect_unix(endpoint.unix_path, deadline), endpoint.unix_path);
    }
    Socket socket = connect_tcp(endpoint.host, endpoint.port, deadline);
    if (options.tls.enabled) {
        return make_tls_transport(std::move(socket), endpoint.host, endpoint.port, options.tls, deadline);
    }
    return std::make_unique<SocketTransport>(std::move(socket), format_peer(endpoint.host, endpoint.port));
}

} // namespace redops::redis
