// libFuzzer target: Redis URL parsing and redaction (src/config/url.*) on arbitrary text.
#include "common/error.h"
#include "config/url.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string redacted = redops::config::redact_url(text);
    try {
        redops::config::RedisUrl url = redops::config::parse_redis_url(text);
        if (url.port < 0 || url.port > 65535 || (url.db && *url.db < 0)) {
            __builtin_trap(); // an accepted URL carries a usable port and db
        }
    } catch (const redops::Error& e) {
        // A parse error names the URL redacted; it must never carry a password the redaction removed.
        (void)e.what();
    }
    return 0;
}
