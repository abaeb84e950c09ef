// The typed errors every layer throws and main maps to an exit code, in one place.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redops {

enum class ErrorKind {
    usage,      // bad flag or argument                        -> exit 2
    config,     // bad URL, duration, template, config file    -> exit 2
    connection, // unreachable, refused, reset                 -> exit 3
    auth,       // refused authentication                      -> exit 3
    timeout,    // connect or command deadline passed          -> exit 3
    tls,        // handshake or certificate failure            -> exit 3
    protocol,   // the peer does not speak RESP                -> exit 4
    data,       // malformed payload, wrong shape              -> exit 4
    server,     // an error reply: WRONGTYPE, NOPERM, OOM, ... -> exit 4
    system,     // a local failure: writing stdout, fork, a file -> exit 4
    // SIGINT, SIGTERM or SIGHUP stopped bulk work between two batches -> exit 128 + the signal
    interrupted,
};

// What the user can change to get past an error. Lower layers state the fact and name the remedy; the command
// layer puts it in the user's words (flag, variable, setting: cli/error_words), so no flag name lives below cli.
enum class Remedy {
    none,
    give_password,   // the server wants a password
    use_tls,         // a plaintext client was dropped at once: the port may expect TLS
    drop_db,         // a database other than 0 asked of a Redis Cluster
    drop_cluster,    // cluster mode asked of a server without cluster support
    raise_reply_cap, // a reply passed the reply size cap
    share_hash_tag,  // two keys one script must touch are in different cluster slots
};

// What a bulk operation had done when it failed (spec §6: "deleted 149000 matching keys before: ...").
struct WorkDone {
    std::string verb = "deleted"; // the JSON field and the first word of the message
    std::string noun = "matching keys";
    long long total = 0;
    std::vector<std::pair<std::string, long long>> per_node; // cluster: node address and its count
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    Error(ErrorKind kind, const std::string& message, Remedy remedy)
        : std::runtime_error(message), m_kind(kind), m_remedy(remedy)
    {
    }
    ErrorKind kind() const noexcept { return m_kind; }
    Remedy remedy() const noexcept { return m_remedy; }
    // Set when the error ended a bulk operation part way; the message then starts with what was done.
    const std::optional<WorkDone>& done() const noexcept { return m_done; }
    // The Redis error reply behind the error (e.g. "NOPERM this user has no permissions ..."), and its first word
    // (the JSON `code`); empty when it is not a server's reply. Kept by after() and reworded(), so the code and
    // what to grant survive a partial-work report or a masked message.
    const std::string& server_reply() const noexcept { return m_server_reply; }
    const std::string& server_code() const noexcept { return m_server_code; }

    // The same failure, reported after partial work: "deleted 149000 matching keys before: <message>".
    static Error after(const Error& cause, WorkDone done);
    // The same error (kind, remedy, work done) told in other words: masked, or with the user's words added.
    Error reworded(const std::string& message) const;

protected:
    void set_server_reply(const std::string& reply);

private:
    ErrorKind m_kind;
    Remedy m_remedy = Remedy::none;
    std::optional<WorkDone> m_done;
    std::string m_server_reply;
    std::string m_server_code;
};

// An error reply from Redis; keeps the reply's prefix (WRONGTYPE, NOPERM, ...) for callers that branch on it.
// NOAUTH and WRONGPASS are auth errors (exit 3) wherever they come from; build every error from a reply here.
class ServerError : public Error {
public:
    explicit ServerError(const std::string& reply);
    // The reply with what it concerns in front ("auth:token:a:b: WRONGTYPE ..."); the kind as above.
    ServerError(const std::string& reply, std::string_view context);
    const std::string& prefix() const noexcept { return server_code(); }
    const std::string& reply() const noexcept { return server_reply(); }
};

// A file the user named could not be opened, read or written ("<message>: <strerror>"). A path that names no file
// (ENOENT, ENOTDIR, EISDIR) is the user's mistake, of kind `when_missing` (usage for a flag, config for a
// setting); any other failure is a local one (ErrorKind::system, exit 4).
Error file_error(const std::string& message, int error_number, ErrorKind when_missing);

std::string_view kind_name(ErrorKind kind);
int exit_code_for(ErrorKind kind);

// Exit codes of the contract (spec §3).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_negative = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_unavailable = 3;
inline constexpr int k_exit_data = 4;
// `ratelimit test` only: another client changed the subject's state during the run; no verdict is possible.
inline constexpr int k_exit_no_verdict = 5;
// Bulk work stopped by a signal exits 128 + its number (130 for SIGINT), as a shell reports a process it ended.
inline constexpr int k_exit_signal_base = 128;

} // namespace redops
