// An in-process TCP proxy to a real server that injects faults on demand: stall, drip, lost replies, resets.
#pragma once

#include "socket_util.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace redops::test {

enum class ProxyMode {
    pass,       // forward both ways
    stall,      // hold every byte both ways (new connections are accepted, then held too)
    drip,       // forward requests; replies a few bytes at a time with a pause between
    drop_reply, // forward requests; discard what the server answers (it applied them; the client never hears)
    reset,      // reset (RST) every client connection, and each new one as it arrives
};

class FaultProxy {
public:
    explicit FaultProxy(int target_port);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return m_port; }
    std::string url() const;

    // The mode of every connection, also ones already open (except those a trigger switched, see below).
    void set_mode(ProxyMode mode);
    ProxyMode mode() const;
    // Drip: `bytes` per step, `pause` between steps.
    void set_drip(std::size_t bytes, std::chrono::milliseconds pause);
    // One shot: the connection that sends the nth command named `command` is switched to `mode` for good right
    // after that command goes to the server; others keep the global mode. drop_reply or stall this way is "the
    // server applied the write, the reply was lost" (the stream stays out of step, as it would); reset waits for
    // the server's answer (so the command was applied) and resets the client instead of passing it on.
    void arm(std::string command, ProxyMode mode, int nth = 1);
    // One shot: when the nth command named `command` arrives, its connection is reset and the command (with any
    // pipelined after it) never reaches the server; everything before it did. The "server died here" case.
    void arm_cut(std::string command, int nth = 1);
    // Whether the armed trigger has fired.
    bool fired() const;

    // Closes every connection and joins the thread (idempotent; the destructor calls it).
    void stop();

    long long bytes_to_server() const;
    long long bytes_to_client() const;
    long long bytes_dropped() const; // server bytes discarded in drop_reply
    long long commands_forwarded() const;
    long long count(const std::string& name) const; // commands of this name forwarded (case-insensitive)
    long long connections_accepted() const;
    // Waits until `count(name) >= n` or the timeout passes.
    bool wait_for(const std::string& name, long long n, std::chrono::milliseconds timeout) const;

private:
    struct Link;
    void run();
    void accept_links(std::vector<Link>& links);
    void pump(Link& link, short client_events, short server_events, std::chrono::steady_clock::time_point now);
    void client_to_server(Link& link);
    void server_to_client(Link& link, std::chrono::steady_clock::time_point now);
    ProxyMode mode_of(const Link& link) const;
    int poll_timeout_ms(const std::vector<Link>& links, std::chrono::steady_clock::time_point now) const;

    int m_target_port;
    int m_listen_fd = -1;
    int m_port = 0;
    WakePipe m_wake;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;

    mutable std::mutex m_mutex;
    ProxyMode m_mode = ProxyMode::pass;
    std::size_t m_drip_bytes = 3;
    std::chrono::milliseconds m_drip_pause{50};
    struct Trigger {
        std::string command;
        ProxyMode mode = ProxyMode::pass;
        int nth = 1;
        bool cut = false;
    };
    std::optional<Trigger> m_trigger;
    bool m_fired = false;
    long long m_to_server = 0;
    long long m_to_client = 0;
    long long m_dropped = 0;
    long long m_commands = 0;
    long long m_accepted = 0;
    std::map<std::string, long long> m_counts;
};

} // namespace redops::test
