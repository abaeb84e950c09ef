// A TCP proxy in front of a server whose traffic can be frozen: a network partition that loses nothing.
#pragma once

#include <atomic>
#include <thread>

namespace redops::test {

class FreezeProxy {
public:
    // Listens on a free loopback port and forwards each connection to 127.0.0.1:upstream_port.
    explicit FreezeProxy(int upstream_port);
    ~FreezeProxy();
    FreezeProxy(const FreezeProxy&) = delete;
    FreezeProxy& operator=(const FreezeProxy&) = delete;

    int port() const { return m_port; }
    // Stops forwarding in both directions and stops accepting (connects still complete in the kernel backlog,
    // then hang); bytes wait in the socket buffers until thaw().
    void freeze() { m_frozen = true; }
    void thaw() { m_frozen = false; }

private:
    void run();

    int m_upstream_port = 0;
    int m_listen_fd = -1;
    int m_port = 0;
    int m_wake[2] = {-1, -1};
    std::atomic<bool> m_frozen{false};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace redops::test
