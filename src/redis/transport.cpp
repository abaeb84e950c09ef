#include "redis/transport.h"

#include "common/error.h"

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace redops::redis {

int Deadline::remaining_ms() const
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_at - Clock::now()).count();
    if (left <= 0) {
        return 0;
    }
    return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

Socket& Socket::operator=(Socket&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.release();
    }
    return *this;
}

Socket::~Socket()
{
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

std::string format_peer(const std::string& host, int port)
{
    if (host.find(':') != std::string::npos) {
        return fmt::format("[{}]:{}", host, port);
    }
    return fmt::format("{}:{}", host, port);
}

void wait_for_fd(int fd, bool for_write, const Deadline& deadline, const std::string& peer, const char* what)
{
    pollfd pfd{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    for (;;) {
        int rc = ::poll(&pfd, 1, deadline.remaining_ms());
        if (rc > 0) {
            return; // readable/writable or an error condition the next syscall will report
        }
        if (rc == 0) {
            throw Error(ErrorKind::timeout,
                        fmt::format("timed out {} {} after {}ms", what, peer, deadline.budget().count()));
        }
        if (errno != EINTR) {
            throw Error(ErrorKind::connection, fmt::format("poll failed on {}: {}", peer, std::strerror(errno)));
        }
    }
}

namespace {

Socket make_socket(int family)
{
    Socket socket(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (socket.fd() < 0) {
        throw Error(ErrorKind::connection, fmt::format("cannot create socket: {}", std::strerror(errno)));
    }
    return socket;
}

// Non-blocking connect bounded by the deadline; returns 0 or the errno of the failure.
int connect_with_deadline(const Socket& socket, const sockaddr* addr, socklen_t len, const Deadline& deadline,
                          const std::string& peer)
{
    if (::connect(socket.fd(), addr, len) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS && errno != EAGAIN) {
        return errno;
    }
    wait_for_fd(socket.fd(), true, deadline, peer, "connecting to");
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &so_error, &so_len);
    return so_error;
}

struct AddrInfoDeleter {
    void operator()(addrinfo* info) const { ::freeaddrinfo(info); }
};

} // namespace

Socket connect_tcp(const std::string& host, int port, const Deadline& deadline)
{
    const std::string peer = format_peer(host, port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* raw = nullptr;
    const std::string service = std::to_string(port);
    // getaddrinfo has no timeout; numeric addresses and /etc/hosts names resolve without the network.
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &raw);
    if (rc != 0) {
        throw Error(ErrorKind::connection, fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, AddrInfoDeleter> addresses(raw);
    int last_error = 0;
    for (const addrinfo* ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
        Socket socket = make_socket(ai->ai_family);
        last_error = connect_with_deadline(socket, ai->ai_addr, ai->ai_addrlen, deadline, peer);
        if (last_error == 0) {
            int one = 1;
            // Requests are small and latency-bound: never let Nagle hold them back.
            ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return socket;
        }
    }
    throw Error(ErrorKind::connection, fmt::format("cannot connect to {}: {}", peer, std::strerror(last_error)));
}

Socket connect_unix(const std::string& path, const Deadline& deadline)
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        throw Error(ErrorKind::config, fmt::format("unix socket path too long: \"{}\"", path));
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    Socket socket = make_socket(AF_UNIX);
    int err = connect_with_deadline(socket, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, deadline, path);
    if (err != 0) {
        throw Error(ErrorKind::connection, fmt::format("cannot connect to {}: {}", path, std::strerror(err)));
    }
    return socket;
}

void SocketTransport::write_all(const char* data, std::size_t size, const Deadline& deadline)
{
    while (size > 0) {
        ssize_t n = ::send(m_socket.fd(), data, size, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_for_fd(m_socket.fd(), true, deadline, m_peer, "writing to");
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            throw Error(ErrorKind::connection, fmt::format("write to {} failed: {}", m_peer, std::strerror(errno)));
        }
    }
}

std::size_t SocketTransport::read_some(char* buffer, std::size_t size, const Deadline& deadline)
{
    for (;;) {
        ssize_t n = ::recv(m_socket.fd(), buffer, size, 0);
        if (n > 0) {
            return static_cast<std::size_t>(n);
        }
        if (n == 0) {
            throw Error(ErrorKind::connection, fmt::format("connection closed by {}", m_peer));
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wait_for_fd(m_socket.fd(), false, deadline, m_peer, "waiting for a reply from");
        } else if (errno != EINTR) {
            throw Error(ErrorKind::connection, fmt::format("read from {} failed: {}", m_peer, std::strerror(errno)));
        }
    }
}

} // namespace redops::redis
