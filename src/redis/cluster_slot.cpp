#include "redis/cluster_slot.h"

#include <array>

namespace redops::redis {

namespace {

constexpr std::array<std::uint16_t, 256> make_crc16_table()
{
    std::array<std::uint16_t, 256> table{};
    for (unsigned i = 0; i < 256; ++i) {
        auto crc = static_cast<std::uint16_t>(i << 8);
        for (int bit = 0; bit < 8; ++bit) {
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
        }
        table[i] = crc;
    }
    return table;
}

constexpr auto k_crc16_table = make_crc16_table();

} // namespace

std::uint16_t crc16(std::string_view data)
{
    std::uint16_t crc = 0;
    for (unsigned char c : data) {
        crc = static_cast<std::uint16_t>((crc << 8) ^ k_crc16_table[((crc >> 8) ^ c) & 0xff]);
    }
    return crc;
}

std::string_view hash_tag(std::string_view key)
{
    auto open = key.find('{');
    if (open == std::string_view::npos) {
        return key;
    }
    auto close = key.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1) {
        return key;
    }
    return key.substr(open + 1, close - open - 1);
}

int key_slot(std::string_view key)
{
    return crc16(hash_tag(key)) % k_cluster_slots;
}

} // namespace redops::redis
