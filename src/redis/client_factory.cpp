#include "redis/client_factory.h"

#include "common/error.h"
#include "redis/cluster_client.h"

namespace redops::redis {

ClientFactory::ClientFactory(ConnectionOptions base, SentinelQuery sentinel, bool cluster)
    : m_base(std::move(base)), m_sentinel(std::move(sentinel)), m_cluster(cluster)
{
    // Cluster mode with sentinels, and a cluster with a database other than 0, are refused by the config loader.
}

std::unique_ptr<Client> ClientFactory::make() const
{
    if (!m_sentinel.sentinels.empty()) {
        return std::make_unique<StandaloneClient>(resolve_sentinel_primary(m_sentinel, m_base), "sentinel");
    }
    if (m_cluster) {
        return std::make_unique<ClusterClient>(m_base);
    }
    Connection connection = Connection::open(m_base);
    if (connection.server().mode == "cluster") {
        return std::make_unique<ClusterClient>(m_base, std::move(connection));
    }
    return std::make_unique<StandaloneClient>(m_base, std::move(connection));
}

std::optional<Endpoint> ClientFactory::sentinel_named_primary() const
{
    if (!uses_sentinel()) {
        return std::nullopt;
    }
    return redis::sentinel_named_primary(m_sentinel, m_base);
}

} // namespace redops::redis
