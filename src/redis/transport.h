// The byte pipe under a connection: plain TCP, unix socket, or TLS over either — all with deadlines.
#pragma once

#include "redis/deadline.h"

#include <cstddef>
#include <memory>
#include <string>

namespace redops::redis {

class Transport {
public:
    virtual ~Transport() = default;
    // Writes everything or throws Error(timeout|connection).
    virtual void write_all(const char* data, std::size_t size, const Deadline& deadline) = 0;
    // Reads at least one byte or throws Error(timeout|connection); never returns 0.
    virtual std::size_t read_some(char* buffer, std::size_t size, const Deadline& deadline) = 0;
    // "host:port" or the socket path, for messages.
    virtual const std::string& peer() const = 0;
};

// An owned, non-blocking socket file descriptor (RAII).
class Socket {
public:
    Socket() = default;
    explicit Socket(int fd) : m_fd(fd) {}
    Socket(Socket&& other) noexcept : m_fd(other.release()) {}
    Socket& operator=(Socket&& other) noexcept;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket();

    int fd() const { return m_fd; }
    int release() noexcept
    {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd = -1;
};

// Waits until fd is readable (or writable); throws Error(timeout) naming `what` and `peer` when the deadline passes.
void wait_for_fd(int fd, bool for_write, const Deadline& deadline, const std::string& peer, const char* what);

Socket connect_tcp(const std::string& host, int port, const Deadline& deadline);
Socket connect_unix(const std::string& path, const Deadline& deadline);

// Plain stream over a connected socket (TCP or unix).
class SocketTransport : public Transport {
public:
    SocketTransport(Socket socket, std::string peer) : m_socket(std::move(socket)), m_peer(std::move(peer)) {}
    void write_all(const char* data, std::size_t size, const Deadline& deadline) override;
    std::size_t read_some(char* buffer, std::size_t size, const Deadline& deadline) override;
    const std::string& peer() const override { return m_peer; }

private:
    Socket m_socket;
    std::string m_peer;
};

std::string format_peer(const std::string& host, int port);

} // namespace redops::redis
