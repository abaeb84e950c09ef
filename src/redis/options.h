// Everything needed to open one connection; passed down, never global.
#pragma once

#include <chrono>
#include <string>

namespace redops::redis {

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
};

} // namespace redops::redis
