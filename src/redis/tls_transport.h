// TLS over a connected TCP socket with OpenSSL; OpenSSL is touched only when this is used.
#pragma once

#include "redis/options.h"
#include "redis/transport.h"

#include <memory>

namespace redops::redis {

// Performs the handshake within the deadline; throws Error(tls) with OpenSSL's reason, or Error(timeout).
std::unique_ptr<Transport> make_tls_transport(Socket socket, const std::string& host, int port, const TlsOptions& tls,
                                              const Deadline& deadline);

} // namespace redops::redis
