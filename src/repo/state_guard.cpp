#include "repo/state_guard.h"

#include <fmt/format.h>

namespace redops::repo {

Error wrong_state(std::string_view key, std::string_view found, std::string_view expected)
{
    return Error(ErrorKind::data,
                 fmt::format("key \"{}\" holds {}, not {}; it was left unchanged", key, found, expected));
}

std::string wrong_state_found(const redis::Reply& reply)
{
    if (!reply.is_error() || reply.str.rfind(k_wrong_state_code, 0) != 0) {
        return {};
    }
    std::string found = reply.str.substr(k_wrong_state_code.size());
    if (!found.empty() && found.front() == ' ') {
        found.erase(0, 1);
    }
    return found.empty() ? std::string("another kind of data") : found;
}

redis::Reply run_guarded(redis::Client& client, const redis::Script& script, const redis::ScriptCall& call,
                         std::string_view expected)
{
    try {
        return redis::run_script(client, script, call);
    } catch (const ServerError& e) {
        if (e.prefix() != k_wrong_state_code) {
            throw;
        }
        redis::Reply reply;
        reply.type = redis::Reply::Type::error;
        reply.str = e.reply();
        throw wrong_state(call.keys.empty() ? std::string_view{} : call.keys.front(), wrong_state_found(reply),
                          expected);
    }
}

std::string describe_type(std::string_view type)
{
    return fmt::format("a {}", type); // Redis's own names, as TYPE and the guard scripts report them
}

} // namespace redops::repo
