// SHA-1 hex digest for EVALSHA script ids; our own so start-up never has to initialise OpenSSL.
#pragma once

#include <string>
#include <string_view>

namespace redops {

std::string sha1_hex(std::string_view data);

} // namespace redops
