// The wall clock in the one unit the layer stores: milliseconds since the Unix epoch.
#pragma once

#include <chrono>

namespace redops {

// Now, in milliseconds since the epoch (system clock): payload times (cachedAt, expiresAt) and sample times.
inline long long now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace redops
