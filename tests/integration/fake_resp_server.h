// A scripted in-process RESP server on a free loopback port: answers redops's handshake, then whatever a test says.
#pragma once

#include "socket_util.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace redops::test {

// What the server does with one command.
struct FakeReply {
    enum class Action {
        send,            // write `bytes`
        send_then_close, // write `bytes` (e.g. half a reply), then close the connection
        close,           // close at once, answering nothing
        reset,           // close with SO_LINGER 0: the client sees ECONNRESET
        stall,           // answer nothing, ever; the connection stays open until the client or stop() ends it
    };
    Action action = Action::send;
    std::string bytes;
    std::size_t flood = 0; // after `bytes`, this many filler bytes ('x'), produced as the client reads them
    std::string tail;      // after the flood

    static FakeReply send(std::string bytes) { return {Action::send, std::move(bytes), 0, {}}; }
    static FakeReply send_then_close(std::string bytes) { return {Action::send_then_close, std::move(bytes), 0, {}}; }
    static FakeReply close() { return {Action::close, {}, 0, {}}; }
    static FakeReply reset() { return {Action::reset, {}, 0, {}}; }
    static FakeReply stall() { return {Action::stall, {}, 0, {}}; }
    // `prefix`, `filler` bytes, then `tail`, never all held in memory: replies far larger than they claim or a cap.
    static FakeReply flood_after(std::string prefix, std::size_t filler, std::string tail = {})
    {
        return {Action::send, std::move(prefix), filler, std::move(tail)};
    }
};

// Args of one command (args[0] is the name as sent). nullopt: let the server's built-in answer it (handshake,
// PING, SELECT, CLIENT, QUIT), or reply "-ERR unknown command" to anything else.
using FakeHandler = std::function<std::optional<FakeReply>(const std::vector<std::string>& args)>;

struct FakeServerOptions {
    std::string mode = "standalone"; // what HELLO reports: "cluster" makes redops use its cluster client
    std::string version = "7.0.15";
    std::size_t log_limit = 100'000; // commands kept in the log (all are counted)
};

class FakeRespServer {
public:
    explicit FakeRespServer(FakeHandler handler, FakeServerOptions options = {});
    ~FakeRespServer();
    FakeRespServer(const FakeRespServer&) = delete;
    FakeRespServer& operator=(const FakeRespServer&) = delete;

    int port() const { return m_port; }
    std::string url() const;
    // The global options that point redops at this server, with short timeouts so a fault never waits long.
    std::vector<std::string> args(std::string_view timeout = "2s") const;

    // Closes every connection and joins the thread (idempotent; the destructor calls it).
    void stop();

    // Every command received, in order, across connections (the first log_limit of them).
    std::vector<std::vector<std::string>> commands() const;
    // How many commands of this name (case-insensitive) arrived; all are counted, also past log_limit.
    long long count(std::string_view name) const;
    long long total_commands() const;
    long long connections_accepted() const;
    // Every key that an UNLINK or DEL named.
    std::vector<std::string> deleted_keys() const;
    // Waits until `count(name) >= n` or the timeout passes; returns whether it got there.
    bool wait_for(std::string_view name, long long n, std::chrono::milliseconds timeout) const;

    // The built-in answer: HELLO as a RESP2 flat array, +OK for SELECT / CLIENT / QUIT, +PONG for PING.
    std::optional<FakeReply> builtin(const std::vector<std::string>& args) const;

private:
    struct Peer;
    void run();
    void accept_peers(std::vector<Peer>& peers);
    bool serve_input(Peer& peer);
    bool flush_output(Peer& peer);
    void record(const std::vector<std::string>& args);

    FakeHandler m_handler;
    FakeServerOptions m_options;
    int m_listen_fd = -1;
    int m_port = 0;
    WakePipe m_wake;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;

    mutable std::mutex m_mutex;
    std::vector<std::vector<std::string>> m_log;
    std::map<std::string, long long> m_counts;
    std::vector<std::string> m_deleted;
    long long m_total = 0;
    long long m_accepted = 0;
};

// Canned behaviours, each a handler to pass to FakeRespServer (or to call from one).
namespace fake {

// A keyspace of string keys (key -> value) whose SCAN ignores MATCH and TYPE: every key comes back in one batch
// with cursor 0. GET/TTL/PTTL/EXISTS/TYPE/DBSIZE answer from it; UNLINK/DEL remove and count; SET NX adds.
FakeHandler keyspace_ignoring_match(std::map<std::string, std::string> keys);
// SCAN always answers `cursor` with `keys` (a cursor that repeats, never 0, or is not a number); other commands
// as keyspace_ignoring_match over the same keys.
FakeHandler scan_with_cursor(std::string cursor, std::vector<std::string> keys);
// SCAN answers cursors 1, 2, 3, ... (never 0) with `keys` every time: a scan that runs far past the keyspace.
FakeHandler scan_counting_up(std::vector<std::string> keys);
// Every command but the handshake gets `reply` (e.g. resp::error("LOADING ...")).
FakeHandler always(FakeReply reply);
// As always(), but only for commands named `name`; the rest go to `fallback` (or the built-in answer).
FakeHandler on(const std::string& name, FakeReply reply, FakeHandler fallback = {});
// A one-node cluster that owns every slot in CLUSTER SLOTS but answers every keyed command with MOVED to itself.
FakeHandler moved_loop(int port);

} // namespace fake

} // namespace redops::test
