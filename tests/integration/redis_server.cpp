#include "redis_server.h"

#include "redis/connection.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace redops::test {

namespace {

std::filesystem::path make_temp_dir()
{
    std::string tmpl = (std::filesystem::temp_directory_path() / "redops-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    return tmpl;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int free_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("no free loopback port");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

RedisServer::RedisServer(ServerConfig config) : m_config(std::move(config)), m_dir(make_temp_dir())
{
    m_port = m_config.port != 0 ? m_config.port : free_port();
    m_port_movable = m_config.port == 0 || m_config.move_if_taken;
    if (m_config.unix_socket) {
        m_unix_path = (m_dir / "redis.sock").string();
    }
    if (!m_config.acl_users.empty()) {
        std::ofstream acl(m_dir / "users.acl");
        acl << (m_config.requirepass.empty() ? "user default on nopass ~* &* +@all\n"
                                             : "user default on >" + m_config.requirepass + " ~* &* +@all\n");
        for (const auto& line : m_config.acl_users) {
            acl << line << "\n";
        }
    }
    if (m_config.tls) {
        make_certificates();
    }
    start();
    m_port_movable = false; // a restart comes back on the same port
}

void RedisServer::make_certificates()
{
    // A throw-away CA and a server certificate for localhost / 127.0.0.1, made at test time.
    const std::string d = m_dir.string();
    const std::string script = fmt::format(
        "cd '{}' && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj '/CN=redops "
        "test CA' "
        "&& openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost "
        "&& printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext "
        "&& openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile "
        "ext",
        d);
    if (std::system(("(" + script + ") >/dev/null 2>&1").c_str()) != 0) {
        throw std::runtime_error("openssl failed to make test certificates");
    }
}

RedisServer::~RedisServer()
{
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
}

// A port free_port() picked may be bound by another test process (ctest -j2) before this redis-server binds it.
// Then this one exits ("Address already in use"), or - worse - the PING reaches the other process's server and the
// test would run against someone else's data. Both are caught below: a port this fixture picked is picked again;
// a port the caller chose (a cluster node, a restart) is an error that names the other server.
void RedisServer::start()
{
    constexpr int attempts = 5;
    for (int attempt = 1;; ++attempt) {
        spawn();
        if (wait_ready()) {
            return;
        }
        if (!m_port_movable || attempt == attempts) {
            throw std::runtime_error(fmt::format("port {} is taken by another process (tried {} port(s)); log:\n{}",
                                                 m_port, attempt, read_file(m_dir / "redis.log")));
        }
        m_port = free_port();
        m_cluster_port = 0; // either may be the taken one
    }
}

void RedisServer::spawn()
{
    std::vector<std::string> args{"redis-server", "--port",    std::to_string(m_port),
                                  "--bind",       "127.0.0.1", "--dir",
                                  m_dir.string(), "--save",    "",
                                  "--appendonly", "no",        "--daemonize",
                                  "no",           "--logfile", (m_dir / "redis.log").string()};
    if (m_config.tls) {
        args[2] = "0";
        args.insert(args.end(), {"--tls-port", std::to_string(m_port), "--tls-cert-file",
                                 (m_dir / "server.crt").string(), "--tls-key-file", (m_dir / "server.key").string(),
                                 "--tls-ca-cert-file", (m_dir / "ca.crt").string(), "--tls-auth-clients", "no"});
    }
    if (!m_unix_path.empty()) {
        args.insert(args.end(), {"--unixsocket", m_unix_path, "--unixsocketperm", "700"});
    }
    if (!m_config.acl_users.empty()) {
        args.insert(args.end(), {"--aclfile", (m_dir / "users.acl").string()});
    } else if (!m_config.requirepass.empty()) {
        args.insert(args.end(), {"--requirepass", m_config.requirepass});
    }
    args.insert(args.end(), m_config.extra_args.begin(), m_config.extra_args.end());
    if (m_config.pick_cluster_port) {
        while (m_cluster_port == 0 || m_cluster_port == m_port) {
            m_cluster_port = free_port();
        }
        args.insert(args.end(), {"--cluster-port", std::to_string(m_cluster_port)});
    }
    if (m_config.sentinel_for != 0) {
        // Sentinels rewrite their config file, so it lives in the temp dir.
        std::ofstream conf(m_dir / "sentinel.conf");
        conf << "port " << m_port << "\nbind 127.0.0.1\ndir " << m_dir.string() << "\nlogfile "
             << (m_dir / "redis.log").string() << "\nsentinel monitor mymaster 127.0.0.1 " << m_config.sentinel_for
             << " " << m_config.sentinel_quorum
             << "\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 5000\n";
        conf.close();
        args = {"redis-server", (m_dir / "sentinel.conf").string(), "--sentinel"};
    }
    // Built before fork: a child that allocates can deadlock on a lock another test thread held at the fork.
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::error_code no_log;
    const auto log_size = std::filesystem::file_size(m_dir / "redis.log", no_log);
    m_log_start = no_log ? 0 : log_size; // redis-server appends: an earlier start-up's lines are not this one's
    pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive a crashed test
        int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execvp("redis-server", argv.data());
        ::_exit(127);
    }
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    m_pid = pid;
}

bool RedisServer::wait_ready()
{
    for (int attempt = 0; attempt < 250; ++attempt) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            const std::string log = read_file(m_dir / "redis.log");
            if (log.find("Address already in use", m_log_start) != std::string::npos) {
                return false;
            }
            throw std::runtime_error(fmt::format("redis-server exited at start-up (is it installed?); log:\n{}", log));
        }
        try {
            redis::ConnectionOptions o = options();
            o.connect_timeout = std::chrono::milliseconds(200);
            o.command_timeout = std::chrono::milliseconds(200);
            auto connection = redis::Connection::open(o);
            if (connection.call(redis::cmd("PING")).str == "PONG") {
                // Ours, not another test's server on the same port: INFO names the process that answered.
                const std::string info = connection.call(redis::cmd("INFO", "server")).str;
                if (info.find(fmt::format("\nprocess_id:{}\r", m_pid)) != std::string::npos) {
                    return true;
                }
                stop(); // still starting, or about to exit on the taken port
                return false;
            }
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    throw std::runtime_error("redis-server did not answer PING within 5 s");
}

void RedisServer::stop()
{
    if (m_pid <= 0) {
        return;
    }
    ::kill(m_pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
}

std::string RedisServer::url() const
{
    return fmt::format("{}://127.0.0.1:{}", m_config.tls ? "rediss" : "redis", m_port);
}

redis::ConnectionOptions RedisServer::options() const
{
    redis::ConnectionOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = m_port;
    o.password = m_config.requirepass;
    if (m_config.tls) {
        o.tls.enabled = true;
        o.tls.cacert = (m_dir / "ca.crt").string();
    }
    return o;
}

SilentPeer::SilentPeer()
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_fd, 16) != 0) { // the kernel completes handshakes; nobody ever reads or writes
        ::close(m_fd);
        throw std::runtime_error("silent peer: no loopback port to listen on");
    }
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
}

SilentPeer::~SilentPeer()
{
    ::close(m_fd);
}

} // namespace redops::test
