// libFuzzer target: the session value decoder (repo::SessionRepository::parse_value) on arbitrary stored values;
// a value it cannot read is reported malformed, never thrown or crashed on.
#include "repo/session_repository.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string value(reinterpret_cast<const char*>(data), size);
    redops::repo::SessionEntry entry;
    redops::repo::SessionRepository::parse_value(value, entry);
    return 0;
}
