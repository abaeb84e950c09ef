#include "redis/client_factory.h"

#include "common/error.h"
#include "redis/cluster_client.h"

namespace redops::redis {

ClientFactory::ClientFactory(ConnectionOptions base, SentinelQuery sentinel, bool cluster)
    : m_base(std::move(base)), m_sentinel(std::move(sentinel)), m_cluster(cluster)
{
    if (m_cluster && !m_sentinel.sentinels.empty()) {
        throw Error(ErrorKind::usage, "--cluster and --sentinel exclude each other: a cluster fails over by itself");
    }
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

} // namespace redops::redis
