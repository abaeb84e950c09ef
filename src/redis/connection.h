// One connection to one Redis node: handshake (HELLO/AUTH/SELECT/SETNAME), calls and pipelines, with deadlines.
#pragma once

#include "redis/command.h"
#include "redis/options.h"
#include "redis/reply.h"
#include "redis/transport.h"

#include <memory>
#include <string>
#include <vector>

struct redisReader;

namespace redops::redis {

// What the handshake learned about the server (HELLO, or INFO on servers older than 6).
struct ServerInfo {
    std::string version;
    std::string role; // master / replica
    std::string mode; // standalone / cluster / sentinel
};

class Connection {
public:
    // Connects within options.connect_timeout and authenticates; throws Error(connection|timeout|auth|tls).
    static Connection open(const ConnectionOptions& options);

    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    // One command; an error reply is thrown as ServerError.
    Reply call(const Command& command);
    // One command; an error reply is returned as a Reply.
    Reply call_raw(const Command& command);
    // Sends every command in one write, then reads as many replies; error replies are returned, not thrown.
    std::vector<Reply> pipeline(const std::vector<Command>& commands);

    const ServerInfo& server() const { return m_server; }
    const std::string& peer() const;
    const ConnectionOptions& options() const { return m_options; }

private:
    Connection(std::unique_ptr<Transport> transport, ConnectionOptions options);
    void handshake();
    void handshake_with_hello();
    void handshake_without_hello();
    void send(const std::string& payload, const Deadline& deadline);
    // Error(data) past options.max_reply_bytes: a reply is never buffered beyond the cap, and a bulk whose
    // declared length alone passes it is refused before any of it is read.
    Reply read_reply(const Deadline& deadline);
    // `size`: this reply's bytes so far, or what it comes to with the bulk it waits for (`pending_bulk`, 0: none).
    void check_reply_size(unsigned long long size, unsigned long long pending_bulk) const;
    void ensure_usable() const;

    struct ReaderDeleter {
        void operator()(redisReader* reader) const;
    };

    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<redisReader, ReaderDeleter> m_reader;
    ConnectionOptions m_options;
    ServerInfo m_server;
    // After a timeout or I/O error the stream position is unknown; the connection must not be reused.
    bool m_broken = false;
};

// Parses "key:value" lines of an INFO reply (sections and comments skipped).
std::vector<std::pair<std::string, std::string>> parse_info(std::string_view text);

} // namespace redops::redis
