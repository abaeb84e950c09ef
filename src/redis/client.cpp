#include "redis/client.h"

namespace redops::redis {

Connection& StandaloneClient::connection()
{
    if (!m_connection) {
        m_connection = std::make_unique<Connection>(Connection::open(m_options));
    }
    return *m_connection;
}

Reply StandaloneClient::call(const Command& command)
{
    return connection().call(command);
}

std::vector<Reply> StandaloneClient::pipeline(const std::vector<Command>& commands)
{
    return connection().pipeline(commands);
}

void StandaloneClient::for_each_primary(const std::function<void(Connection&)>& fn)
{
    fn(connection());
}

std::vector<NodeAddress> StandaloneClient::nodes()
{
    return {NodeAddress{m_options, {}}};
}

void StandaloneClient::with_node(const NodeAddress&, const std::function<void(Connection&)>& fn)
{
    fn(connection());
}

} // namespace redops::redis
