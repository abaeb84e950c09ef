#include "fault_proxy.h"

#include "resp_wire.h"

#include <algorithm>
#include <cerrno>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace redops::test {

namespace {

constexpr std::size_t k_chunk = 65536;
constexpr std::size_t k_max_pending = 4 << 20; // stop reading a side while this much waits for the other

// Reads what is there into `into`; false on end of stream or error.
bool read_into(int fd, std::string& into, long long& got)
{
    char buffer[k_chunk];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        return false;
    }
    if (n > 0) {
        into.append(buffer, static_cast<std::size_t>(n));
        got = n;
    }
    return true;
}

// Writes up to `limit` bytes of `from`; false on a write error.
bool write_from(int fd, std::string& from, std::size_t limit, long long& sent)
{
    std::size_t size = std::min(from.size(), limit);
    if (size == 0) {
        return true;
    }
    ssize_t n = ::send(fd, from.data(), size, MSG_NOSIGNAL);
    if (n < 0) {
        return errno == EAGAIN || errno == EINTR;
    }
    from.erase(0, static_cast<std::size_t>(n));
    sent = n;
    return true;
}

} // namespace

struct FaultProxy::Link {
    int client = -1;
    int server = -1;
    std::string to_server;
    std::string to_client;
    std::string parse; // the client's stream again, cut into commands for counting and triggers
    std::optional<ProxyMode> own_mode;
    bool reset_on_reply = false; // an armed reset: RST the client once the server has answered the command
    std::chrono::steady_clock::time_point next_drip{};
    bool dead = false;
    bool reset = false;
};

FaultProxy::FaultProxy(int target_port) : m_target_port(target_port)
{
    m_listen_fd = listen_loopback(m_port);
    m_thread = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy()
{
    stop();
}

std::string FaultProxy::url() const
{
    return fmt::format("redis://127.0.0.1:{}", m_port);
}

void FaultProxy::set_mode(ProxyMode mode)
{
    {
        std::lock_guard lock(m_mutex);
        m_mode = mode;
    }
    m_wake.wake();
}

ProxyMode FaultProxy::mode() const
{
    std::lock_guard lock(m_mutex);
    return m_mode;
}

void FaultProxy::set_drip(std::size_t bytes, std::chrono::milliseconds pause)
{
    std::lock_guard lock(m_mutex);
    m_drip_bytes = std::max<std::size_t>(1, bytes);
    m_drip_pause = pause;
}

void FaultProxy::arm(std::string command, ProxyMode mode, int nth)
{
    std::lock_guard lock(m_mutex);
    m_trigger = Trigger{resp::upper(command), mode, nth, false};
    m_fired = false;
}

void FaultProxy::arm_cut(std::string command, int nth)
{
    std::lock_guard lock(m_mutex);
    m_trigger = Trigger{resp::upper(command), ProxyMode::reset, nth, true};
    m_fired = false;
}

bool FaultProxy::fired() const
{
    std::lock_guard lock(m_mutex);
    return m_fired;
}

void FaultProxy::stop()
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

ProxyMode FaultProxy::mode_of(const Link& link) const
{
    if (link.own_mode) {
        return *link.own_mode;
    }
    std::lock_guard lock(m_mutex);
    return m_mode;
}

int FaultProxy::poll_timeout_ms(const std::vector<Link>& links, std::chrono::steady_clock::time_point now) const
{
    int timeout = -1;
    for (const auto& link : links) {
        if (mode_of(link) == ProxyMode::drip && !link.to_client.empty()) {
            auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(link.next_drip - now).count();
            int ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
            timeout = timeout < 0 ? ms : std::min(timeout, ms);
        }
    }
    return timeout;
}

void FaultProxy::run()
{
    std::vector<Link> links;
    std::vector<pollfd> fds;
    while (!m_stopping) {
        auto now = std::chrono::steady_clock::now();
        fds.clear();
        fds.push_back({m_wake.read_fd(), POLLIN, 0});
        fds.push_back({m_listen_fd, POLLIN, 0});
        for (auto& link : links) {
            ProxyMode mode = mode_of(link);
            if (mode == ProxyMode::reset) {
                link.dead = link.reset = true;
            }
            bool held = mode == ProxyMode::stall || link.dead; // negative fds are ignored by poll
            short client_events = static_cast<short>(
                (link.to_server.size() < k_max_pending ? POLLIN : 0) |
                (!link.to_client.empty() && mode == ProxyMode::pass ? POLLOUT : 0));
            short server_events = static_cast<short>((link.to_client.size() < k_max_pending ? POLLIN : 0) |
                                                     (!link.to_server.empty() ? POLLOUT : 0));
            fds.push_back({held ? -1 : link.client, client_events, 0});
            fds.push_back({held ? -1 : link.server, server_events, 0});
        }
        if (::poll(fds.data(), fds.size(), poll_timeout_ms(links, now)) < 0 && errno != EINTR) {
            break;
        }
        if (m_stopping) {
            break;
        }
        if ((fds[0].revents & POLLIN) != 0) {
            m_wake.drain();
        }
        now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < links.size(); ++i) {
            if (!links[i].dead && fds[2 + 2 * i].fd >= 0) {
                pump(links[i], fds[2 + 2 * i].revents, fds[3 + 2 * i].revents, now);
            }
        }
        for (auto& link : links) {
            if (link.dead) {
                link.reset ? close_with_reset(link.client) : (void)::close(link.client);
                ::close(link.server);
            }
        }
        std::erase_if(links, [](const Link& link) { return link.dead; });
        if ((fds[1].revents & POLLIN) != 0) {
            accept_links(links);
        }
    }
    for (auto& link : links) {
        ::close(link.client);
        ::close(link.server);
    }
}

void FaultProxy::accept_links(std::vector<Link>& links)
{
    for (;;) {
        int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            ++m_accepted;
            if (m_mode == ProxyMode::reset) {
                close_with_reset(client);
                continue;
            }
        }
        int server = connect_loopback(m_target_port);
        if (server < 0) {
            close_with_reset(client);
            continue;
        }
        Link link;
        link.client = client;
        link.server = server;
        links.push_back(std::move(link));
    }
}

void FaultProxy::pump(Link& link, short client_events, short server_events, std::chrono::steady_clock::time_point now)
{
    if ((client_events & (POLLIN | POLLHUP | POLLERR)) != 0) {
        client_to_server(link);
    }
    if (!link.dead && (server_events & POLLOUT) != 0) {
        long long sent = 0;
        link.dead = !write_from(link.server, link.to_server, link.to_server.size(), sent);
        std::lock_guard lock(m_mutex);
        m_to_server += sent;
    }
    if (!link.dead && (server_events & (POLLIN | POLLHUP | POLLERR)) != 0) {
        server_to_client(link, now);
    }
    ProxyMode mode = mode_of(link);
    if (link.dead || link.to_client.empty() || (mode == ProxyMode::drip && now < link.next_drip)) {
        return;
    }
    std::size_t limit = link.to_client.size();
    if (mode == ProxyMode::drip) {
        std::lock_guard lock(m_mutex);
        limit = m_drip_bytes;
        link.next_drip = now + m_drip_pause;
    }
    long long sent = 0;
    link.dead = !write_from(link.client, link.to_client, limit, sent);
    std::lock_guard lock(m_mutex);
    m_to_client += sent;
}

void FaultProxy::client_to_server(Link& link)
{
    long long got = 0;
    std::string incoming;
    if (!read_into(link.client, incoming, got)) {
        link.dead = true;
        return;
    }
    link.to_server += incoming;
    link.parse += incoming;
    std::optional<ProxyMode> switch_to;
    std::optional<std::size_t> cut_at; // offset in to_server where a cut command starts
    std::vector<std::string> args;
    for (;;) {
        // Where the next command starts in what is not yet sent (0 when its first bytes already went: a server
        // that gets half a command and then the close discards it, as it would the whole).
        std::size_t start = link.to_server.size() >= link.parse.size() ? link.to_server.size() - link.parse.size() : 0;
        if (resp::take_command(link.parse, args, std::size_t{1} << 30) != resp::ParseStatus::complete) {
            break;
        }
        if (args.empty()) {
            continue;
        }
        std::lock_guard lock(m_mutex);
        std::string name = resp::upper(args[0]);
        if (m_trigger && m_trigger->command == name && !switch_to && --m_trigger->nth == 0) {
            switch_to = m_trigger->mode;
            if (m_trigger->cut) {
                cut_at = start;
            }
            m_trigger.reset();
            m_fired = true;
        }
        if (cut_at) {
            break;
        }
        ++m_commands;
        ++m_counts[name];
    }
    if (cut_at) {
        link.to_server.resize(*cut_at);
        link.parse.clear();
    }
    // The command that fired the trigger goes to the server before the switch (unless cut): it has been applied.
    long long sent = 0;
    link.dead = !write_from(link.server, link.to_server, link.to_server.size(), sent);
    {
        std::lock_guard lock(m_mutex);
        m_to_server += sent;
    }
    if (cut_at) {
        link.dead = link.reset = true;
    } else if (switch_to == ProxyMode::reset) {
        link.reset_on_reply = true;
    } else if (switch_to) {
        link.own_mode = switch_to;
    }
}

void FaultProxy::server_to_client(Link& link, std::chrono::steady_clock::time_point now)
{
    std::string incoming;
    long long got = 0;
    if (!read_into(link.server, incoming, got)) {
        link.dead = true;
        return;
    }
    if (link.reset_on_reply && got > 0) {
        link.dead = link.reset = true; // the server answered, so it applied the command; the client never hears
        std::lock_guard lock(m_mutex);
        m_dropped += got;
        return;
    }
    if (mode_of(link) == ProxyMode::drop_reply) {
        std::lock_guard lock(m_mutex);
        m_dropped += got;
        return;
    }
    if (link.to_client.empty() && mode_of(link) == ProxyMode::drip) {
        link.next_drip = now;
    }
    link.to_client += incoming;
}

long long FaultProxy::bytes_to_server() const
{
    std::lock_guard lock(m_mutex);
    return m_to_server;
}

long long FaultProxy::bytes_to_client() const
{
    std::lock_guard lock(m_mutex);
    return m_to_client;
}

long long FaultProxy::bytes_dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

long long FaultProxy::commands_forwarded() const
{
    std::lock_guard lock(m_mutex);
    return m_commands;
}

long long FaultProxy::count(const std::string& name) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_counts.find(resp::upper(name));
    return it == m_counts.end() ? 0 : it->second;
}

long long FaultProxy::connections_accepted() const
{
    std::lock_guard lock(m_mutex);
    return m_accepted;
}

bool FaultProxy::wait_for(const std::string& name, long long n, std::chrono::milliseconds timeout) const
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

} // namespace redops::test
