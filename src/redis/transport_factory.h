// Picks and opens the transport a connection's options ask for (unix, TCP, TLS over TCP).
#pragma once

#include "redis/deadline.h"
#include "redis/options.h"
#include "redis/transport.h"

#include <memory>

namespace redops::redis {

std::unique_ptr<Transport> open_transport(const ConnectionOptions& options, const Deadline& deadline);

} // namespace redops::redis
