// Crafted data never crashes redops: values nested past the depth limit are malformed (and still deletable),
// and a reply larger than --max-reply-bytes ends with exit 4 instead of unbounded memory.
#include "common/error.h"
#include "process.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "socket_util.h"
#include "target.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <array>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
// ASan's shadow memory and quarantine hold about 250 MiB of RSS before a command does anything.
constexpr long long k_sanitizer_rss_kib = 256 * 1024;
#else
constexpr long long k_sanitizer_rss_kib = 0;
#endif

using redops::redis::cmd;
using redops::test::RedisServer;
using redops::test::RunOptions;
using redops::test::send_all;
using redops::test::TestTarget;
using json = nlohmann::json;

namespace {

// {"userId":"m","prefs":[[[…]]]}: about 2 bytes per level, the shape that crashed `sessions list`.
std::string deep_json(const std::string& field, std::size_t levels)
{
    return "{\"" + field + "\":\"m\",\"prefs\":" + std::string(levels, '[') + std::string(levels, ']') + "}";
}

// Writes all of data (a short write is continued; a failed one gives up: the peer went away).
// A RESP peer that answers each read of a request with the next canned reply and never closes first.
class CannedServer {
public:
    explicit CannedServer(std::vector<std::string> replies) : m_replies(std::move(replies))
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) == 0);
        REQUIRE(::listen(m_listen, 4) == 0);
        REQUIRE(::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~CannedServer()
    {
        ::shutdown(m_listen, SHUT_RDWR);
        ::close(m_listen);
        m_thread.join();
    }
    CannedServer(const CannedServer&) = delete;
    CannedServer& operator=(const CannedServer&) = delete;
    int port() const { return m_port; }

private:
    void serve()
    {
        int fd = ::accept(m_listen, nullptr, nullptr);
        if (fd < 0) {
            return;
        }
        std::array<char, 4096> buffer{};
        for (const auto& reply : m_replies) {
            if (::read(fd, buffer.data(), buffer.size()) <= 0) {
                break;
            }
            send_all(fd, reply.data(), reply.size());
        }
        while (::read(fd, buffer.data(), buffer.size()) > 0) {
        }
        ::close(fd);
    }

    std::vector<std::string> m_replies;
    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
};

} // namespace

TEST_CASE("a session nested 100000 levels deep is malformed with a warning and invalidate still deletes it",
          "[cli][sessions][crafted][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("SET", "session:deep0001", deep_json("userId", 100'000), "EX", "1000"));
    client.call(
        cmd("SET", "session:fine0001", R"({"userId":"m","createdAt":1763800000000,"prefs":[[1]]})", "EX", "1000"));
    client.call(cmd("SADD", "user:sessions:m", "deep0001", "fine0001"));

    auto list = target.redops({"--json", "--reveal", "sessions", "list", "--user", "m"});
    INFO(list.err);
    REQUIRE(list.exit_code == 0);
    json doc = json::parse(list.out);
    CHECK(doc["malformed"] == 1);
    CHECK(doc["total"] == 2);
    CHECK(list.err.find("nested deeper than 64 levels") != std::string::npos);

    auto all = target.redops({"sessions", "list", "--all"});
    CHECK(all.exit_code == 0);
    CHECK(all.out.find("malformed") != std::string::npos);

    auto invalidate = target.redops({"sessions", "invalidate", "--session", "deep0001", "--user", "m"});
    INFO(invalidate.err);
    CHECK(invalidate.exit_code == 0);
    CHECK(client.call(cmd("EXISTS", "session:deep0001")).integer == 0);
    CHECK(client.call(cmd("SISMEMBER", "user:sessions:m", "deep0001")).integer == 0);
    CHECK(client.call(cmd("EXISTS", "session:fine0001")).integer == 1);
}

TEST_CASE("a token payload nested 100000 levels deep exits 4 on get and is reported by list",
          "[cli][token][crafted][portable]")
{
    TestTarget target;
    auto& client = target.client();
    client.call(cmd("SET", "auth:token:p1:deep", deep_json("token", 100'000)));
    auto get = target.redops({"token", "get", "--provider", "p1", "--tenant", "deep"});
    CHECK(get.exit_code == 4);
    CHECK(get.err.find("nested deeper than 64 levels") != std::string::npos);
    auto list = target.redops({"--json", "token", "list"});
    INFO(list.err);
    CHECK(list.exit_code == 0);
}

TEST_CASE("a reply past --max-reply-bytes exits 4 with bounded memory", "[cli][crafted][rss]")
{
    RedisServer server;
    redops::redis::Connection conn = redops::redis::Connection::open(server.options());
    // 300 MB built on the server (SETRANGE pads with zero bytes); the test process never holds it.
    conn.call(cmd("SETRANGE", "auth:token:p1:big", "314572799", "x"));
    auto r = redops::test::run_process({"/usr/bin/time", "-f", "%M", REDOPS_BINARY, "--url", server.url(),
                                        "--max-reply-bytes", "67108864", "--timeout", "60s", "token", "get",
                                        "--provider", "p1", "--tenant", "big"},
                                       RunOptions{.env = {{"ASAN_OPTIONS", "quarantine_size_mb=0:detect_leaks=0"}}});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("too large") != std::string::npos);
    CHECK(r.err.find("64 MiB") != std::string::npos);
    auto end = r.err.find_last_not_of('\n');
    auto start = r.err.find_last_of('\n', end);
    long long peak_kib = std::stoll(r.err.substr(start == std::string::npos ? 0 : start + 1));
    INFO("peak RSS KiB with a 64 MiB cap and a 300 MB value: " << peak_kib);
    CHECK(peak_kib < 64LL * 1024 + k_sanitizer_rss_kib);
    // Below 1 KiB the cap could not even hold the handshake: a usage error.
    auto tiny = redops::test::run_redops({"--url", server.url(), "--max-reply-bytes", "100", "ping"});
    CHECK(tiny.exit_code == 2);
}

TEST_CASE("a value that arrives in one read is held to --max-reply-bytes too", "[cli][crafted]")
{
    RedisServer server;
    redops::redis::Connection conn = redops::redis::Connection::open(server.options());
    std::string payload = R"({"token":")" + std::string(5000, 'x') + R"(","expiresAt":9999999999999,"cachedAt":1})";
    conn.call(cmd("SET", "auth:token:p1:small", payload));
    auto over = redops::test::run_redops(
        {"--url", server.url(), "--max-reply-bytes", "1024", "token", "get", "--provider", "p1", "--tenant", "small"});
    INFO(over.err);
    CHECK(over.exit_code == 4);
    CHECK(over.err.find("a value of " + std::to_string(payload.size()) + " bytes") != std::string::npos);
    auto fits = redops::test::run_redops(
        {"--url", server.url(), "--max-reply-bytes", "8192", "token", "get", "--provider", "p1", "--tenant", "small"});
    CHECK(fits.exit_code == 0);
    CHECK(conn.call(cmd("GET", "auth:token:p1:small")).str == payload); // read-only: the value is as it was
}

TEST_CASE("a huge declared bulk length exits 4 at once instead of waiting for it", "[cli][crafted]")
{
    CannedServer fake({"*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n$4\r\nmode\r\n"
                       "$10\r\nstandalone\r\n",
                       "$999999999999\r\nabc"});
    auto r = redops::test::run_redops({"--url", "redis://127.0.0.1:" + std::to_string(fake.port()), "--timeout", "20s",
                                       "token", "get", "--provider", "p1", "--tenant", "t1"});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("a value of 999999999999 bytes") != std::string::npos);
    CHECK(r.elapsed < std::chrono::seconds(10));
}

TEST_CASE("an array reply past max_reply_bytes is refused while it is read and the connection is not reused",
          "[redis][crafted]")
{
    RedisServer server;
    redops::redis::ConnectionOptions options = server.options();
    options.max_reply_bytes = 1024ULL * 1024;
    redops::redis::Connection conn = redops::redis::Connection::open(options);
    // 4000 elements of 1000 bytes: no single bulk passes the cap, the array does.
    conn.call(cmd("EVAL", "for i = 1, 4000 do redis.call('RPUSH', KEYS[1], string.rep('x', 1000)) end return 1", 1,
                  "biglist"));
    CHECK(conn.call(cmd("LRANGE", "biglist", 0, 999)).elements.size() == 1000); // about 1 MB minus framing: fits
    try {
        conn.call(cmd("LRANGE", "biglist", 0, -1));
        FAIL("no error");
    } catch (const redops::Error& e) {
        CHECK(e.kind() == redops::ErrorKind::data);
        CHECK(std::string(e.what()).find("too large") != std::string::npos);
    }
    CHECK_THROWS_AS(conn.call(cmd("PING")), redops::Error);
}
