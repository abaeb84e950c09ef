// SHA-1 hex digest for EVALSHA script ids (OpenSSL's; computed when a script is first run, not at start-up).
#pragma once

#include <string>
#include <string_view>

namespace redops {

std::string sha1_hex(std::string_view data);

} // namespace redops
