// Everything needed to open one connection; passed down, never global.
#pragma once

#include <chrono>
#include <string>

namespace redops::redis {

// Fits sessions and token payloads of tens of MB with room to spare.
inline constexpr unsigned long long k_default_max_reply_bytes = 512ULL * 1024 * 1024;

struct TlsOptions {
    bool enabled = false;
    std::string cacert;
    std::string cacertdir;
    std::string cert;
    std::string key;
    std::string sni;
    bool insecure = false;
};

struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_path; // non-empty: a unix socket, host/port unused

    std::string describe() const;
};

struct ConnectionOptions {
    Endpoint endpoint;
    std::string user;     // empty: the default user
    std::string password; // empty: no AUTH
    int db = 0;
    TlsOptions tls;
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{5000};
    std::string client_name = "redops";
    // A single reply larger than this is an error (exit 4), never unbounded memory; 0: no limit.
    unsigned long long max_reply_bytes = k_default_max_reply_bytes;
};

} // namespace redops::redis
