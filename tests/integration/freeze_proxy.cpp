#include "freeze_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace redops::test {

namespace {

sockaddr_in loopback(int port)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    return addr;
}

// Writes all of it (blocking): the proxied traffic is small.
bool write_all(int fd, const char* data, ssize_t size)
{
    while (size > 0) {
        ssize_t n = ::write(fd, data, static_cast<size_t>(size));
        if (n <= 0) {
            return false;
        }
        data += n;
        size -= n;
    }
    return true;
}

} // namespace

FreezeProxy::FreezeProxy(int upstream_port) : m_upstream_port(upstream_port)
{
    m_listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr = loopback(0);
    if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen_fd, 64) != 0) {
        throw std::runtime_error("freeze proxy: cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    if (::pipe2(m_wake, O_CLOEXEC) != 0) {
        throw std::runtime_error("freeze proxy: pipe failed");
    }
    m_thread = std::thread([this] { run(); });
}

FreezeProxy::~FreezeProxy()
{
    m_stop = true;
    (void)!::write(m_wake[1], "x", 1);
    m_thread.join();
    ::close(m_listen_fd);
    ::close(m_wake[0]);
    ::close(m_wake[1]);
}

void FreezeProxy::run()
{
    struct Pair {
        int client;
        int server;
    };
    std::vector<Pair> pairs;
    while (!m_stop) {
        const bool frozen = m_frozen;
        std::vector<pollfd> fds{{m_wake[0], POLLIN, 0}};
        if (!frozen) {
            fds.push_back({m_listen_fd, POLLIN, 0});
            for (const auto& p : pairs) {
                fds.push_back({p.client, POLLIN, 0});
                fds.push_back({p.server, POLLIN, 0});
            }
        }
        // Frozen: wake every 5 ms to notice thaw().
        if (::poll(fds.data(), fds.size(), frozen ? 5 : 20) <= 0 || m_stop || m_frozen) {
            continue;
        }
        std::vector<Pair> alive;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const pollfd& c = fds[2 + 2 * i];
            const pollfd& s = fds[3 + 2 * i];
            bool ok = true;
            char buffer[65536];
            for (const auto& [from, to] : {std::pair{c, pairs[i].server}, std::pair{s, pairs[i].client}}) {
                if (ok && (from.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    ssize_t n = ::read(from.fd, buffer, sizeof buffer);
                    ok = n > 0 && write_all(to, buffer, n);
                }
            }
            if (ok) {
                alive.push_back(pairs[i]);
            } else {
                ::close(pairs[i].client);
                ::close(pairs[i].server);
            }
        }
        pairs = std::move(alive);
        if (fds.size() > 1 && (fds[1].revents & POLLIN) != 0) {
            int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in up = loopback(m_upstream_port);
            if (client >= 0 && ::connect(server, reinterpret_cast<sockaddr*>(&up), sizeof up) == 0) {
                int one = 1;
                ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                pairs.push_back({client, server});
            } else {
                ::close(client);
                ::close(server);
            }
        }
    }
    for (const auto& p : pairs) {
        ::close(p.client);
        ::close(p.server);
    }
}

} // namespace redops::test
