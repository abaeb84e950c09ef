// Redis Cluster key slots: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace redops::redis {

inline constexpr int k_cluster_slots = 16384;

std::uint16_t crc16(std::string_view data);

// The part of the key that is hashed: the text between the first '{' and the next '}' when non-empty
// ("session:{u1}:abc" -> "u1"), else the whole key — the rule every cluster client shares.
std::string_view hash_tag(std::string_view key);

int key_slot(std::string_view key);

} // namespace redops::redis
