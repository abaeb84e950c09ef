// Loopback sockets for the in-process fixtures: a listener on a free port, non-blocking fds, resets, a wake pipe.
#pragma once

#include <cstddef>

namespace redops::test {

// A non-blocking listening socket on 127.0.0.1 at a port the kernel picks (no race with other tests); sets `port`.
int listen_loopback(int& port);
// Connects (blocking, then made non-blocking) to 127.0.0.1:port; -1 on failure.
int connect_loopback(int port);
void set_nonblocking(int fd);
// Writes all of data (blocking fd); stops quietly at the first error or when the peer is gone.
void send_all(int fd, const char* data, std::size_t size);
// Closes with SO_LINGER 0, so the peer sees a reset (ECONNRESET) instead of an orderly end of stream.
void close_with_reset(int fd);

// A self-pipe that wakes a poll() loop from another thread.
class WakePipe {
public:
    WakePipe();
    ~WakePipe();
    WakePipe(const WakePipe&) = delete;
    WakePipe& operator=(const WakePipe&) = delete;
    int read_fd() const { return m_fds[0]; }
    void wake();
    void drain();

private:
    int m_fds[2] = {-1, -1};
};

} // namespace redops::test
