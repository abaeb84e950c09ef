#include "common/error.h"

#include "common/interrupt.h"

#include <cerrno>
#include <csignal>
#include <cstring>

namespace redops {
namespace {

std::string prefix_of(const std::string& reply)
{
    auto end = reply.find(' ');
    return reply.substr(0, end);
}

// Authentication refusals are "Redis refused us" (exit 3), not data errors.
ErrorKind kind_of_reply(const std::string& prefix)
{
    if (prefix == "NOAUTH" || prefix == "WRONGPASS") {
        return ErrorKind::auth;
    }
    return ErrorKind::server;
}

} // namespace

Error Error::after(const Error& cause, WorkDone done)
{
    if (cause.m_done) {
        return cause; // already carries what was done, from the operation that failed first
    }
    Error out(cause.kind(),
              done.verb + " " + std::to_string(done.total) + " " + done.noun + " before: " + cause.what());
    out.m_done = std::move(done);
    out.m_remedy = cause.m_remedy;
    out.m_server_reply = cause.m_server_reply;
    out.m_server_code = cause.m_server_code;
    return out;
}

Error Error::reworded(const std::string& message) const
{
    Error out(m_kind, message, m_remedy);
    out.m_done = m_done;
    out.m_server_reply = m_server_reply;
    out.m_server_code = m_server_code;
    return out;
}

void Error::set_server_reply(const std::string& reply)
{
    m_server_reply = reply;
    m_server_code = prefix_of(reply);
}

ServerError::ServerError(const std::string& reply) : Error(kind_of_reply(prefix_of(reply)), reply)
{
    set_server_reply(reply);
}

ServerError::ServerError(const std::string& reply, std::string_view context)
    : Error(kind_of_reply(prefix_of(reply)), std::string(context) + ": " + reply)
{
    set_server_reply(reply);
}

Error file_error(const std::string& message, int error_number, ErrorKind when_missing)
{
    const bool missing = error_number == ENOENT || error_number == ENOTDIR || error_number == EISDIR;
    return Error(missing ? when_missing : ErrorKind::system, message + ": " + std::strerror(error_number));
}

std::string_view kind_name(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::config: return "config";
    case ErrorKind::connection: return "connection";
    case ErrorKind::auth: return "auth";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::tls: return "tls";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::data: return "data";
    case ErrorKind::server: return "server";
    case ErrorKind::system: return "system";
    case ErrorKind::interrupted: return "interrupted";
    }
    return "unknown";
}

int exit_code_for(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::config: return k_exit_usage;
    case ErrorKind::connection:
    case ErrorKind::auth:
    case ErrorKind::timeout:
    case ErrorKind::tls: return k_exit_unavailable;
    case ErrorKind::protocol:
    case ErrorKind::data:
    case ErrorKind::server:
    case ErrorKind::system: return k_exit_data;
    case ErrorKind::interrupted: return k_exit_signal_base + (interrupt_signal() != 0 ? interrupt_signal() : SIGINT);
    }
    return k_exit_data;
}

} // namespace redops
