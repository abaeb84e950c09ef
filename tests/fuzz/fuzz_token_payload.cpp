// libFuzzer target: the token payload decoder (repo::TokenRepository::parse_payload) on arbitrary stored values.
#include "common/error.h"
#include "repo/token_repository.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string value(reinterpret_cast<const char*>(data), size);
    redops::repo::TokenEntry entry;
    try {
        redops::repo::TokenRepository::parse_payload("auth:token:p:t", value, entry);
    } catch (const redops::Error&) {
    }
    return 0;
}
