#include "redis/command.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <hiredis/hiredis.h>
#include <memory>

namespace redops::redis {

namespace {

bool is_keyless(const std::string& name)
{
    static constexpr std::string_view k_keyless[] = {
        "PING", "INFO", "SCAN", "TIME", "SCRIPT", "HELLO", "AUTH", "SELECT", "CLIENT", "CLUSTER", "ROLE",
        "CONFIG", "DBSIZE", "ECHO", "COMMAND", "SENTINEL", "ASKING", "READONLY", "MEMORY", "LATENCY", "SLOWLOG",
    };
    return std::find(std::begin(k_keyless), std::end(k_keyless), name) != std::end(k_keyless);
}

} // namespace

std::string Command::name() const
{
    if (args.empty()) {
        return {};
    }
    std::string upper = args.front();
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return upper;
}

std::optional<std::string_view> Command::routing_key() const
{
    const std::string verb = name();
    if (args.size() < 2 || is_keyless(verb)) {
        return std::nullopt;
    }
    if (verb == "EVAL" || verb == "EVALSHA" || verb == "EVAL_RO" || verb == "EVALSHA_RO") {
        // EVALSHA sha numkeys key...
        if (args.size() >= 4 && args[2] != "0") {
            return std::string_view(args[3]);
        }
        return std::nullopt;
    }
    return std::string_view(args[1]);
}

void append_resp(const Command& command, std::string& out)
{
    std::vector<const char*> argv;
    std::vector<size_t> argvlen;
    argv.reserve(command.args.size());
    argvlen.reserve(command.args.size());
    for (const auto& arg : command.args) {
        argv.push_back(arg.data());
        argvlen.push_back(arg.size());
    }
    char* raw = nullptr;
    int len = redisFormatCommandArgv(&raw, static_cast<int>(argv.size()), argv.data(), argvlen.data());
    std::unique_ptr<char, decltype(&redisFreeCommand)> formatted(raw, &redisFreeCommand);
    if (len < 0 || raw == nullptr) {
        throw Error(ErrorKind::protocol, "cannot encode command " + command.name());
    }
    out.append(raw, static_cast<std::size_t>(len));
}

} // namespace redops::redis
