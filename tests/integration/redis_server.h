// A real redis-server on a free loopback port in a temp dir, stopped by PID when the fixture dies (RAII).
#pragma once

#include "redis/options.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace redops::test {

struct ServerConfig {
    std::string requirepass;            // non-empty: requirepass
    std::vector<std::string> acl_users; // "user alice on >secret ~* +@all" lines
    bool unix_socket = false;
    std::vector<std::string> extra_args; // passed to redis-server as "--name value" pairs
    int port = 0;                        // 0: pick a free one
    bool move_if_taken = false;          // a `port` another process holds is replaced, as a picked one is
    // Cluster nodes: a bus port (--cluster-port) picked with the port, again at each start-up attempt. Derived,
    // port + 10000 could be taken or above 65535.
    bool pick_cluster_port = false;
    int sentinel_for = 0;    // non-zero: run a sentinel monitoring 127.0.0.1:<this port> as "mymaster"
    int sentinel_quorum = 1; // sentinels that must agree the primary is down
    bool tls = false;        // TLS-only port, certificates made with openssl(1) in the temp dir
};

class RedisServer {
public:
    explicit RedisServer(ServerConfig config = {});
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return m_port; }
    const std::string& unix_path() const { return m_unix_path; }
    std::string url() const;
    const std::filesystem::path& dir() const { return m_dir; }
    pid_t pid() const { return m_pid; }

    // Options for redops::redis::Connection against this server (with its password, if any).
    redis::ConnectionOptions options() const;

    void stop();
    // Starts again on the same port (after stop()), e.g. to test reconnects.
    void start();

private:
    void spawn();
    // True once this server answers PING on its port; false when the port turned out to be another process's.
    bool wait_ready();
    void make_certificates();

    ServerConfig m_config;
    std::filesystem::path m_dir;
    int m_port = 0;
    std::string m_unix_path;
    pid_t m_pid = -1;
    bool m_port_movable = false;    // the port was picked here, and the server has not started on it yet
    int m_cluster_port = 0;         // with pick_cluster_port; kept across restarts, like the port
    std::uintmax_t m_log_start = 0; // redis.log's size when this start-up began: what it logs comes after
};

// A TCP port on 127.0.0.1 nobody listens on right now.
int free_port();

// A listening socket that accepts connections and never answers (for timeout tests).
class SilentPeer {
public:
    SilentPeer();
    ~SilentPeer();
    SilentPeer(const SilentPeer&) = delete;
    SilentPeer& operator=(const SilentPeer&) = delete;
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

} // namespace redops::test
