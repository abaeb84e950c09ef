// Redis connection URLs (redis://, rediss://, unix://) parsed into parts, and redacted for messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::config {

struct RedisUrl {
    enum class Scheme { tcp, tls, unix_socket };
    Scheme scheme = Scheme::tcp;
    std::string host; // without IPv6 brackets; empty for unix_socket
    int port = 6379;  // 6379 when the URL names none
    std::string path; // unix socket path, percent-decoded
    std::optional<int> db;
    std::optional<std::string> user;     // percent-decoded
    std::optional<std::string> password; // percent-decoded; secret
};

// redis://[user[:password]@]host[:port][/db][?db=N&user=U&password=P]
// rediss://... (TLS), unix:///path/redis.sock[?db=N&user=U&password=P] or unix:/path.
// Throws Error(config) naming the URL with its password replaced by *** (never the password itself).
RedisUrl parse_redis_url(std::string_view text);

// The URL with any password (userinfo or ?password=) replaced by ***; safe for logs and errors,
// also for text that is not a valid URL.
std::string redact_url(std::string_view text);

// The raw text of every part redact_url masks (also of a URL that does not parse), for masking it elsewhere.
std::vector<std::string> url_secrets(std::string_view text);

} // namespace redops::config
