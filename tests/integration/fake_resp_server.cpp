#include "fake_resp_server.h"

#include "resp_wire.h"
#include "socket_util.h"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace redops::test {

namespace {

constexpr std::size_t k_read_chunk = 65536;
constexpr std::size_t k_flood_chunk = 65536;

} // namespace

struct FakeRespServer::Peer {
    int fd = -1;
    std::string in;
    std::string out;
    std::size_t flood_left = 0;
    std::string after_flood;        // written once the flood is out
    bool stalled = false;           // reads and discards, never answers
    bool close_after_flush = false; // send_then_close: end once `out` and the flood are written
    bool dead = false;
    bool reset = false; // close with SO_LINGER 0
};

FakeRespServer::FakeRespServer(FakeHandler handler, FakeServerOptions options)
    : m_handler(std::move(handler)), m_options(std::move(options))
{
    m_listen_fd = listen_loopback(m_port);
    m_thread = std::thread([this] { run(); });
}

FakeRespServer::~FakeRespServer()
{
    stop();
}

std::string FakeRespServer::url() const
{
    return fmt::format("redis://127.0.0.1:{}", m_port);
}

std::vector<std::string> FakeRespServer::args(std::string_view timeout) const
{
    return {"--url", url(), "--connect-timeout", std::string(timeout), "--timeout", std::string(timeout)};
}

void FakeRespServer::stop()
{
    if (!m_thread.joinable()) {
        return;
    }
    m_stopping = true;
    m_wake.wake();
    m_thread.join();
    ::close(m_listen_fd);
    m_listen_fd = -1;
}

void FakeRespServer::run()
{
    std::vector<Peer> peers;
    std::vector<pollfd> fds;
    while (!m_stopping) {
        fds.clear();
        fds.push_back({m_wake.read_fd(), POLLIN, 0});
        fds.push_back({m_listen_fd, POLLIN, 0});
        for (const auto& peer : peers) {
            bool writing = !peer.out.empty() || peer.flood_left > 0;
            fds.push_back({peer.fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0});
        }
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
            break;
        }
        if (m_stopping) {
            break;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            accept_peers(peers);
        }
        for (std::size_t i = 0; i + 2 < fds.size(); ++i) {
            Peer& peer = peers[i];
            short revents = fds[i + 2].revents;
            if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !serve_input(peer)) {
                peer.dead = true;
            }
            bool pending = !peer.out.empty() || peer.flood_left > 0;
            if (!peer.dead && ((pending && !flush_output(peer)) || (!pending && peer.close_after_flush))) {
                peer.dead = true;
            }
        }
        for (auto& peer : peers) {
            if (peer.dead) {
                peer.reset ? close_with_reset(peer.fd) : (void)::close(peer.fd);
            }
        }
        std::erase_if(peers, [](const Peer& peer) { return peer.dead; });
    }
    for (auto& peer : peers) {
        ::close(peer.fd);
    }
}

void FakeRespServer::accept_peers(std::vector<Peer>& peers)
{
    for (;;) {
        int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Peer peer;
        peer.fd = fd;
        peers.push_back(std::move(peer));
        std::lock_guard lock(m_mutex);
        ++m_accepted;
    }
}

// Reads what arrived and answers every complete command; false when the connection is over.
bool FakeRespServer::serve_input(Peer& peer)
{
    char buffer[k_read_chunk];
    ssize_t n = ::read(peer.fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        return false;
    }
    if (n < 0 || peer.stalled || peer.close_after_flush) {
        return true;
    }
    peer.in.append(buffer, static_cast<std::size_t>(n));
    std::vector<std::string> args;
    for (;;) {
        auto status = resp::take_command(peer.in, args);
        if (status == resp::ParseStatus::incomplete) {
            return true;
        }
        if (status == resp::ParseStatus::malformed) {
            peer.out += resp::error("ERR Protocol error (fake server)");
            peer.close_after_flush = true;
            return true;
        }
        if (args.empty()) {
            continue;
        }
        record(args);
        std::optional<FakeReply> reply;
        try {
            reply = m_handler ? m_handler(args) : std::nullopt;
        } catch (const std::exception& e) {
            reply = FakeReply::send(resp::error(std::string("ERR fake handler threw: ") + e.what()));
        }
        if (!reply) {
            reply = builtin(args);
        }
        if (!reply) {
            reply = FakeReply::send(resp::error(fmt::format("ERR unknown command '{}'", args[0])));
        }
        switch (reply->action) {
        case FakeReply::Action::close: return false;
        case FakeReply::Action::reset: peer.reset = true; return false;
        case FakeReply::Action::stall: peer.stalled = true; return true;
        case FakeReply::Action::send_then_close: peer.close_after_flush = true; break;
        case FakeReply::Action::send: break;
        }
        peer.out += reply->bytes;
        if (reply->flood > 0) {
            peer.flood_left += reply->flood;
            peer.after_flood += reply->tail;
        } else {
            peer.out += reply->tail;
        }
        if (peer.close_after_flush) {
            return true;
        }
    }
}

// Writes what the socket takes; false on a write error or once a send_then_close reply is out.
bool FakeRespServer::flush_output(Peer& peer)
{
    while (!peer.out.empty() || peer.flood_left > 0) {
        if (peer.out.empty()) {
            std::size_t chunk = std::min(peer.flood_left, k_flood_chunk);
            peer.out.assign(chunk, 'x');
            peer.flood_left -= chunk;
            if (peer.flood_left == 0) {
                peer.out += peer.after_flood;
                peer.after_flood.clear();
            }
        }
        ssize_t n = ::send(peer.fd, peer.out.data(), peer.out.size(), MSG_NOSIGNAL);
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR;
        }
        peer.out.erase(0, static_cast<std::size_t>(n));
    }
    return !peer.close_after_flush;
}

void FakeRespServer::record(const std::vector<std::string>& args)
{
    std::string name = resp::upper(args[0]);
    std::lock_guard lock(m_mutex);
    ++m_total;
    ++m_counts[name];
    if (m_log.size() < m_options.log_limit) {
        m_log.push_back(args);
    }
    if (name == "UNLINK" || name == "DEL") {
        m_deleted.insert(m_deleted.end(), args.begin() + 1, args.end());
    }
}

std::vector<std::vector<std::string>> FakeRespServer::commands() const
{
    std::lock_guard lock(m_mutex);
    return m_log;
}

long long FakeRespServer::count(std::string_view name) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_counts.find(resp::upper(name));
    return it == m_counts.end() ? 0 : it->second;
}

long long FakeRespServer::total_commands() const
{
    std::lock_guard lock(m_mutex);
    return m_total;
}

long long FakeRespServer::connections_accepted() const
{
    std::lock_guard lock(m_mutex);
    return m_accepted;
}

std::vector<std::string> FakeRespServer::deleted_keys() const
{
    std::lock_guard lock(m_mutex);
    return m_deleted;
}

bool FakeRespServer::wait_for(std::string_view name, long long n, std::chrono::milliseconds timeout) const
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (count(name) < n) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

std::optional<FakeReply> FakeRespServer::builtin(const std::vector<std::string>& args) const
{
    std::string name = resp::upper(args[0]);
    if (name == "HELLO") {
        return FakeReply::send(
            resp::array({resp::bulk("server"), resp::bulk("redis"), resp::bulk("version"),
                         resp::bulk(m_options.version), resp::bulk("proto"), resp::integer(2), resp::bulk("id"),
                         resp::integer(7), resp::bulk("mode"), resp::bulk(m_options.mode), resp::bulk("role"),
                         resp::bulk("master"), resp::bulk("modules"), resp::array({})}));
    }
    if (name == "SELECT" || name == "CLIENT" || name == "QUIT") {
        return FakeReply::send(resp::simple("OK"));
    }
    if (name == "PING") {
        return FakeReply::send(resp::simple("PONG"));
    }
    return std::nullopt;
}

} // namespace redops::test
