// For the fuzz targets: RESP bytes read with hiredis's reader into the redops::redis::Reply a connection would give.
#pragma once

#include "redis/reply.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace redops::fuzz {

// The first complete reply in the bytes, or nullopt when they hold none (incomplete or a protocol error).
std::optional<redis::Reply> first_reply(const std::uint8_t* data, std::size_t size);

} // namespace redops::fuzz
