#include "config/connection_options.h"

#include <algorithm>

namespace redops::config {

redis::ConnectionOptions connection_options(const Settings& settings)
{
    const ConnectionSettings& c = settings.connection;
    redis::ConnectionOptions options;
    options.endpoint.host = c.host.value;
    options.endpoint.port = c.port.value;
    options.endpoint.unix_path = c.unix_path.value;
    options.user = c.user.value;
    options.password = c.password.value;
    options.db = c.db.value;
    options.tls.enabled = c.tls.enabled.value;
    options.tls.cacert = c.tls.cacert.value;
    options.tls.cacertdir = c.tls.cacertdir.value;
    options.tls.cert = c.tls.cert.value;
    options.tls.key = c.tls.key.value;
    options.tls.sni = c.tls.sni.value;
    options.tls.insecure = c.tls.insecure.value;
    options.connect_timeout = c.connect_timeout.value;
    options.command_timeout = c.command_timeout.value;
    options.max_reply_bytes = static_cast<unsigned long long>(settings.defaults.max_reply_bytes.value);
    return options;
}

redis::ClientFactory client_factory(const Settings& settings, std::optional<Millis> timeout_cap)
{
    const ConnectionSettings& c = settings.connection;
    redis::ConnectionOptions base = connection_options(settings);
    if (timeout_cap) {
        Millis cap = std::max(*timeout_cap, Millis(1));
        base.connect_timeout = std::min(base.connect_timeout, cap);
        base.command_timeout = std::min(base.command_timeout, cap);
    }
    redis::SentinelQuery sentinel{c.sentinels.value, c.master.value, c.sentinel_password.value};
    return {std::move(base), std::move(sentinel), c.cluster.value};
}

} // namespace redops::config
