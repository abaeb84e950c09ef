// Lost replies after lock acquire's SET: redops checks over a new connection and either reports the lock as
// acquired (with its owner token) or says nothing is left to release; it never leaves a lock nobody can release.
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "socket_util.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using redops::redis::cmd;
using redops::test::RedisServer;
using redops::test::send_all;
using json = nlohmann::json;

namespace {

// Writes all of data (a short write is continued; a failed one gives up: the peer went away).
enum class Fault {
    drop_reply,      // forward the SET, swallow its reply and keep the connection open (the client times out)
    reset_after_set, // forward the SET, then close the client's connection without its reply
    drop_request,    // swallow the SET itself, then close: the server never sees it
};

// A TCP proxy in front of a real server. The first connection that sends a SET command meets the fault;
// every other connection (the handshake, the check over a new connection) is forwarded untouched.
class FaultyProxy {
public:
    FaultyProxy(int upstream_port, Fault fault) : m_upstream(upstream_port), m_fault(fault)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr = loopback(0);
        socklen_t len = sizeof addr;
        REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) == 0);
        REQUIRE(::listen(m_listen, 8) == 0);
        REQUIRE(::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { accept_loop(); });
    }
    ~FaultyProxy()
    {
        m_stop = true;
        ::shutdown(m_listen, SHUT_RDWR);
        ::close(m_listen);
        m_thread.join();
        for (auto& t : m_pumps) {
            t.join();
        }
    }
    FaultyProxy(const FaultyProxy&) = delete;
    FaultyProxy& operator=(const FaultyProxy&) = delete;
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(m_port); }
    bool faulted() const { return m_faulted; }

private:
    static sockaddr_in loopback(int port)
    {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        return addr;
    }

    void accept_loop()
    {
        while (!m_stop) {
            int client = ::accept(m_listen, nullptr, nullptr);
            if (client < 0) {
                return;
            }
            int server = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr = loopback(m_upstream);
            if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                ::close(client);
                ::close(server);
                continue;
            }
            m_pumps.emplace_back([this, client, server] { pump(client, server); });
        }
    }

    // Forwards both ways until either side closes; applies the fault once, to the first SET seen.
    void pump(int client, int server)
    {
        bool muted = false; // replies from the server are dropped
        char buffer[16384];
        while (!m_stop) {
            pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
            if (::poll(fds, 2, 100) <= 0) {
                continue;
            }
            if (fds[0].revents != 0) {
                ssize_t n = ::read(client, buffer, sizeof buffer);
                if (n <= 0) {
                    break;
                }
                std::string_view data(buffer, static_cast<std::size_t>(n));
                bool is_set = data.find("\r\n$3\r\nSET\r\n") != std::string_view::npos;
                if (is_set && !m_faulted.exchange(true)) {
                    if (m_fault != Fault::drop_request) {
                        send_all(server, buffer, static_cast<std::size_t>(n));
                    }
                    if (m_fault != Fault::drop_reply) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(200)); // let the server apply it
                        break;
                    }
                    muted = true;
                    continue;
                }
                send_all(server, buffer, static_cast<std::size_t>(n));
            }
            if (fds[1].revents != 0) {
                ssize_t n = ::read(server, buffer, sizeof buffer);
                if (n <= 0) {
                    break;
                }
                if (!muted) {
                    send_all(client, buffer, static_cast<std::size_t>(n));
                }
            }
        }
        ::close(client);
        ::close(server);
    }

    int m_upstream;
    Fault m_fault;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_faulted{false};
    std::thread m_thread;
    std::vector<std::thread> m_pumps;
};

} // namespace

TEST_CASE("lock acquire whose SET reply is lost reports the lock acquired with its owner token", "[cli][lock][lost]")
{
    RedisServer server;
    redops::redis::Connection redis = redops::redis::Connection::open(server.options());
    for (Fault fault : {Fault::drop_reply, Fault::reset_after_set}) {
        const std::string name = fault == Fault::drop_reply ? "lost1" : "lost2";
        INFO(name);
        FaultyProxy proxy(server.port(), fault);
        auto r = redops::test::run_redops(
            {"--url", proxy.url(), "--timeout", "1s", "--json", "lock", "acquire", name, "--ttl", "1h"});
        INFO(r.err);
        REQUIRE(proxy.faulted());
        REQUIRE(r.exit_code == 0);
        json doc = json::parse(r.out);
        CHECK(doc["acquired"] == true);
        CHECK(doc["reply_lost"] == true);
        CHECK(r.err.find("was lost") != std::string::npos);
        const std::string owner = doc["owner"];
        CHECK(redis.call(cmd("GET", "lock:" + name)).str == owner);
        // The owner token printed is the one that releases it.
        auto release = redops::test::run_redops({"--url", server.url(), "lock", "release", name, "--owner", owner});
        CHECK(release.exit_code == 0);
        CHECK(redis.call(cmd("EXISTS", "lock:" + name)).integer == 0);
    }
}

TEST_CASE("lock acquire whose SET never reached the server says nothing is held and exits 3", "[cli][lock][lost]")
{
    RedisServer server;
    redops::redis::Connection redis = redops::redis::Connection::open(server.options());
    FaultyProxy proxy(server.port(), Fault::drop_request);
    auto r = redops::test::run_redops({"--url", proxy.url(), "--timeout", "1s", "lock", "acquire", "lost3"});
    INFO(r.err);
    REQUIRE(proxy.faulted());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("not held by this owner token, nothing to release") != std::string::npos);
    CHECK(redis.call(cmd("EXISTS", "lock:lost3")).integer == 0);
}
