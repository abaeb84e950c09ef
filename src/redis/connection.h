// One connection to one Redis node: handshake (HELLO/AUTH/SELECT/SETNAME), calls and pipelines, with deadlines.
#pragma once

#include "redis/command.h"
#include "redis/options.h"
#include "redis/reply.h"
#include "redis/transport.h"

#include <cstddef>
#include <limits>
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
    // A pipeline in halves, so the caller can work while the server answers: send() writes every command in
    // one write and returns (more may be sent before earlier replies are read); receive(n) reads the next n
    // replies in order, at most what is in flight (error replies are returned). While replies are unread the
    // connection is busy: call() and pipeline() throw std::logic_error instead of reading them as their own.
    void send(const std::vector<Command>& commands);
    std::vector<Reply> receive(std::size_t count = std::numeric_limits<std::size_t>::max());
    std::size_t in_flight() const { return m_in_flight; }

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
    // queue: a send() that may join replies still in flight.
    void ensure_usable(bool queue = false) const;

    struct ReaderDeleter {
        void operator()(redisReader* reader) const;
    };

    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<redisReader, ReaderDeleter> m_reader;
    ConnectionOptions m_options;
    ServerInfo m_server;
    // After a timeout or I/O error the stream position is unknown; the connection must not be reused.
    bool m_broken = false;
    std::size_t m_in_flight = 0; // commands sent whose replies receive() has not read yet
};

// Parses "key:value" lines of an INFO reply (sections and comments skipped).
std::vector<std::pair<std::string, std::string>> parse_info(std::string_view text);

} // namespace redops::redis
