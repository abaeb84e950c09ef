// Makes the Client a topology needs: standalone, sentinel-resolved primary, or cluster (asked for or detected).
#pragma once

#include "redis/client.h"
#include "redis/options.h"
#include "redis/sentinel.h"

#include <memory>

namespace redops::redis {

class ClientFactory {
public:
    // `sentinel.sentinels` non-empty: ask them for the primary. `cluster`: the seed is a cluster node.
    // Throws Error(usage) when both are asked for.
    ClientFactory(ConnectionOptions base, SentinelQuery sentinel, bool cluster);

    // A new client with its own connections, connected now. Each call resolves afresh (sentinels are asked
    // again, the cluster's slot map is read again), so a caller that lost its client follows a failover.
    // Without --cluster a seed whose HELLO reports mode "cluster" gets a cluster client all the same.
    std::unique_ptr<Client> make() const;

    const ConnectionOptions& base() const { return m_base; }

private:
    ConnectionOptions m_base;
    SentinelQuery m_sentinel;
    bool m_cluster = false;
};

} // namespace redops::redis
