#include "redis/script.h"

#include "common/sha1.h"

namespace redops::redis {

namespace {

Command script_command(const char* verb, const std::string& body, const ScriptCall& call)
{
    Command command = cmd(verb, body, call.keys.size());
    command.args.insert(command.args.end(), call.keys.begin(), call.keys.end());
    command.args.insert(command.args.end(), call.args.begin(), call.args.end());
    return command;
}

bool is_noscript(const Reply& reply)
{
    return reply.is_error() && reply.str.rfind("NOSCRIPT", 0) == 0;
}

} // namespace

Script::Script(std::string source) : m_source(std::move(source)), m_sha(sha1_hex(m_source))
{
}

Reply run_script(Client& client, const Script& script, const ScriptCall& call)
{
    Reply reply = client.pipeline({script_command("EVALSHA", script.sha(), call)}).front();
    if (is_noscript(reply)) {
        // NOSCRIPT means nothing ran, so EVAL (which also caches the script) is safe to send.
        reply = client.pipeline({script_command("EVAL", script.source(), call)}).front();
    }
    reply.check();
    return reply;
}

std::vector<Reply> run_script_batch(Client& client, const Script& script, const std::vector<ScriptCall>& calls)
{
    std::vector<Command> commands;
    commands.reserve(calls.size());
    for (const auto& call : calls) {
        commands.push_back(script_command("EVALSHA", script.sha(), call));
    }
    std::vector<Reply> replies = client.pipeline(commands);
    std::vector<Command> retries;
    std::vector<size_t> retry_index;
    for (size_t i = 0; i < replies.size(); ++i) {
        if (is_noscript(replies[i])) {
            retries.push_back(script_command("EVAL", script.source(), calls[i]));
            retry_index.push_back(i);
        }
    }
    if (!retries.empty()) {
        std::vector<Reply> retried = client.pipeline(retries);
        for (size_t i = 0; i < retried.size(); ++i) {
            replies[retry_index[i]] = std::move(retried[i]);
        }
    }
    return replies;
}

} // namespace redops::redis
