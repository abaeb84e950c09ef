#include "redis/connection.h"

#include "common/error.h"
#include "redis/transport_factory.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <limits>
#include <optional>
#include <stdexcept>

namespace redops::redis {

namespace {

// The bytes of a parsed reply's strings, every element's too (the reader bounds the nesting): what a reply that
// arrived whole, within one read, is held to the cap by.
unsigned long long payload_bytes(const redisReply& reply)
{
    unsigned long long bytes = reply.str != nullptr ? reply.len : 0;
    for (std::size_t i = 0; i < reply.elements; ++i) {
        bytes += payload_bytes(*reply.element[i]);
    }
    return bytes;
}

Reply convert(const redisReply& raw)
{
    Reply reply;
    switch (raw.type) {
    case REDIS_REPLY_STRING:
        reply.type = Reply::Type::string;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_STATUS:
        reply.type = Reply::Type::status;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_ERROR:
        reply.type = Reply::Type::error;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_INTEGER:
        reply.type = Reply::Type::integer;
        reply.integer = raw.integer;
        break;
    case REDIS_REPLY_ARRAY:
        reply.type = Reply::Type::array;
        reply.elements.reserve(raw.elements);
        for (size_t i = 0; i < raw.elements; ++i) {
            reply.elements.push_back(convert(*raw.element[i]));
        }
        break;
    default: reply.type = Reply::Type::nil; break;
    }
    return reply;
}

// The length a bulk string the reader waits for declares: "$<n>\r\n" at the reader's position (hiredis may
// already have consumed the '$'; it keeps the header unread until the whole bulk is there).
std::optional<unsigned long long> pending_bulk_length(const redisReader& reader)
{
    if (reader.buf == nullptr || reader.pos >= reader.len) {
        return std::nullopt;
    }
    std::string_view rest(reader.buf + reader.pos, reader.len - reader.pos);
    if (rest.front() == '$') {
        rest.remove_prefix(1);
    }
    auto end = rest.find("\r\n");
    if (end == std::string_view::npos || end == 0) {
        return std::nullopt;
    }
    unsigned long long length = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + end, length);
    if (ptr != rest.data() + end) {
        return std::nullopt; // "-1" (nil) or not a length line
    }
    return ec == std::errc::result_out_of_range ? std::numeric_limits<unsigned long long>::max() : length;
}

std::string mib(unsigned long long bytes)
{
    constexpr unsigned long long k_mib = 1024ULL * 1024ULL;
    return bytes >= k_mib ? fmt::format("{} MiB", bytes / k_mib) : fmt::format("{} bytes", bytes);
}

// Turns a refused handshake into the one-line message an operator can act on.
[[noreturn]] void throw_auth_failure(const Reply& reply, const ConnectionOptions& options, const std::string& peer)
{
    const std::string user = options.user.empty() ? "default" : options.user;
    if (reply.str.rfind("NOAUTH", 0) == 0) {
        throw Error(ErrorKind::auth, fmt::format("authentication required by {}", peer), Remedy::give_password);
    }
    if (reply.str.rfind("WRONGPASS", 0) == 0 || reply.str.find("invalid password") != std::string::npos) {
        if (options.password.empty()) {
            throw Error(ErrorKind::auth,
                        fmt::format("authentication failed for user \"{}\" on {}: no password given", user, peer),
                        Remedy::give_password);
        }
        throw Error(ErrorKind::auth,
                    fmt::format("authentication failed for user \"{}\" on {}: wrong password or no such user", user,
                                peer));
    }
    throw ServerError(reply.str);
}

std::string field_of(const std::vector<std::pair<std::string, std::string>>& info, std::string_view name)
{
    for (const auto& [key, value] : info) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

// Every command of a pipeline in RESP, for one write.
std::string encoded(const std::vector<Command>& commands)
{
    std::string payload;
    for (const auto& command : commands) {
        append_resp(command, payload);
    }
    return payload;
}

} // namespace

void Connection::ReaderDeleter::operator()(redisReader* reader) const
{
    redisReaderFree(reader);
}

Connection::Connection(std::unique_ptr<Transport> transport, ConnectionOptions options)
    : m_transport(std::move(transport)), m_reader(redisReaderCreate()), m_options(std::move(options))
{
    if (!m_reader) {
        throw Error(ErrorKind::connection, "out of memory creating a RESP reader");
    }
}

Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const ConnectionOptions& options)
{
    Deadline deadline(options.connect_timeout);
    Connection connection(open_transport(options, deadline), options);
    connection.handshake();
    return connection;
}

const std::string& Connection::peer() const
{
    return m_transport->peer();
}

void Connection::handshake()
{
    try {
        handshake_with_hello();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::connection || m_options.tls.enabled) {
            throw;
        }
        // A TLS-only port drops a plaintext client at the first bytes; say so instead of a bare "reset".
        throw Error(ErrorKind::connection, fmt::format("{} (the server may expect TLS)", e.what()), Remedy::use_tls);
    }
}

void Connection::handshake_with_hello()
{
    // One round trip: HELLO authenticates, names the client and reports version/role/mode; SELECT rides along.
    Command hello = cmd("HELLO", "2");
    // A user named without a password still authenticates as that user (a nopass user takes any password):
    // never silently the default user, whose rights are likely wider than the ones asked for.
    if (!m_options.password.empty() || !m_options.user.empty()) {
        hello.args.insert(hello.args.end(),
                          {"AUTH", m_options.user.empty() ? "default" : m_options.user, m_options.password});
    }
    hello.args.insert(hello.args.end(), {"SETNAME", m_options.client_name});
    std::vector<Command> batch{hello};
    if (m_options.db != 0) {
        batch.push_back(cmd("SELECT", m_options.db));
    }
    // The handshake is part of connecting and also a command: it must fit both the connect and the command timeout.
    Deadline deadline(std::min(m_options.connect_timeout, m_options.command_timeout));
    std::string payload;
    for (const auto& command : batch) {
        append_resp(command, payload);
    }
    send(payload, deadline);
    std::vector<Reply> replies;
    for (size_t i = 0; i < batch.size(); ++i) {
        replies.push_back(read_reply(deadline));
    }
    const Reply& hello_reply = replies.front();
    if (hello_reply.is_error()) {
        if (hello_reply.str.rfind("ERR unknown command", 0) == 0) {
            handshake_without_hello();
            return;
        }
        throw_auth_failure(hello_reply, m_options, peer());
    }
    const auto& fields = hello_reply.as_array("HELLO");
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string& key = fields[i].str;
        if (key == "version") {
            m_server.version = fields[i + 1].str;
        } else if (key == "role") {
            m_server.role = fields[i + 1].str;
        } else if (key == "mode") {
            m_server.mode = fields[i + 1].str;
        }
    }
    if (m_server.mode == "cluster" && m_options.db != 0) {
        // Found out by the handshake (no --cluster): the same usage error as with --cluster, not SELECT's error reply.
        throw Error(ErrorKind::config,
                    fmt::format("{} is a Redis Cluster node: a cluster has only database 0, not {}", peer(),
                                m_options.db),
                    Remedy::drop_db);
    }
    if (replies.size() > 1) {
        replies[1].check();
    }
}

// Redis before 6.0: AUTH, CLIENT SETNAME, SELECT, and INFO for version and role.
void Connection::handshake_without_hello()
{
    if (!m_options.password.empty() || !m_options.user.empty()) {
        Command auth = m_options.user.empty() ? cmd("AUTH", m_options.password)
                                              : cmd("AUTH", m_options.user, m_options.password);
        Reply reply = call_raw(auth);
        if (reply.is_error()) {
            throw_auth_failure(reply, m_options, peer());
        }
    }
    call(cmd("CLIENT", "SETNAME", m_options.client_name));
    if (m_options.db != 0) {
        call(cmd("SELECT", m_options.db));
    }
    auto info = parse_info(call(cmd("INFO")).as_string("INFO"));
    m_server.version = field_of(info, "redis_version");
    m_server.role = field_of(info, "role");
    m_server.mode = field_of(info, "redis_mode");
}

void Connection::ensure_usable(bool queue) const
{
    if (m_broken) {
        throw Error(ErrorKind::connection,
                    fmt::format("connection to {} is unusable after an earlier failure", m_transport->peer()));
    }
    if (!queue && m_in_flight > 0) {
        throw std::logic_error("a connection was used while a sent pipeline's replies were still unread");
    }
}

void Connection::send(const std::string& payload, const Deadline& deadline)
{
    try {
        m_transport->write_all(payload.data(), payload.size(), deadline);
    } catch (...) {
        m_broken = true;
        throw;
    }
}

Reply Connection::read_reply(const Deadline& deadline)
{
    try {
        // Bytes of this reply taken in so far: what the reader still holds from the last read, plus each read.
        unsigned long long taken = m_reader->len - m_reader->pos;
        for (;;) {
            void* raw = nullptr;
            if (redisReaderGetReply(m_reader.get(), &raw) != REDIS_OK) {
                throw Error(ErrorKind::protocol, fmt::format("protocol error from {}: {}", peer(), m_reader->errstr));
            }
            if (raw != nullptr) {
                std::unique_ptr<redisReply, decltype(&freeReplyObject)> owned(static_cast<redisReply*>(raw),
                                                                              &freeReplyObject);
                // Checked again now that it is whole: the checks below run only while a reply is still coming.
                check_reply_size(payload_bytes(*owned), owned->type == REDIS_REPLY_STRING ? owned->len : 0);
                return convert(*owned);
            }
            if (auto bulk = pending_bulk_length(*m_reader)) {
                // What this reply comes to once the bulk it waits for is in: a huge declared length fails now.
                unsigned long long unread = m_reader->len - m_reader->pos;
                unsigned long long whole = *bulk > m_options.max_reply_bytes ? *bulk
                                                                             : taken - std::min(taken, unread) + *bulk;
                check_reply_size(std::max(taken, whole), *bulk);
            } else {
                check_reply_size(taken, 0);
            }
            std::array<char, 16384> buffer{};
            std::size_t n = m_transport->read_some(buffer.data(), buffer.size(), deadline);
            redisReaderFeed(m_reader.get(), buffer.data(), n);
            taken += n;
        }
    } catch (...) {
        m_broken = true;
        throw;
    }
}

void Connection::check_reply_size(unsigned long long size, unsigned long long pending_bulk) const
{
    const unsigned long long cap = m_options.max_reply_bytes;
    if (cap == 0 || size <= cap) {
        return;
    }
    std::string what = pending_bulk > 0 ? fmt::format("a value of {} bytes", pending_bulk)
                                        : fmt::format("more than {} bytes", size);
    throw Error(ErrorKind::data,
                fmt::format("reply from {} is too large: {} exceeds the limit of {}", peer(), what, mib(cap)),
                Remedy::raise_reply_cap);
}

Reply Connection::call_raw(const Command& command)
{
    ensure_usable();
    Deadline deadline(m_options.command_timeout);
    std::string payload;
    append_resp(command, payload);
    send(payload, deadline);
    return read_reply(deadline);
}

Reply Connection::call(const Command& command)
{
    Reply reply = call_raw(command);
    reply.check();
    return reply;
}

std::vector<Reply> Connection::pipeline(const std::vector<Command>& commands)
{
    ensure_usable();
    std::vector<Reply> replies;
    if (commands.empty()) {
        return replies;
    }
    // One deadline for writing and reading: --timeout bounds a pipeline as it bounds one command.
    Deadline deadline(m_options.command_timeout);
    send(encoded(commands), deadline);
    replies.reserve(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
        replies.push_back(read_reply(deadline));
    }
    return replies;
}

void Connection::send(const std::vector<Command>& commands)
{
    ensure_usable(true);
    if (commands.empty()) {
        return;
    }
    Deadline deadline(m_options.command_timeout);
    send(encoded(commands), deadline);
    m_in_flight += commands.size();
}

std::vector<Reply> Connection::receive(std::size_t count)
{
    count = std::min(count, m_in_flight);
    std::vector<Reply> replies;
    if (count == 0) {
        return replies;
    }
    // The deadline counts from here: the caller worked meanwhile, the server answers while it waits.
    Deadline deadline(m_options.command_timeout);
    replies.reserve(count);
    try {
        while (replies.size() < count) {
            replies.push_back(read_reply(deadline));
            --m_in_flight;
        }
    } catch (...) {
        m_in_flight = 0; // read_reply marked the connection broken: the stream position is lost
        throw;
    }
    return replies;
}

std::vector<std::pair<std::string, std::string>> parse_info(std::string_view text)
{
    std::vector<std::pair<std::string, std::string>> fields;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        fields.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    }
    return fields;
}

} // namespace redops::redis
