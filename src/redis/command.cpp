#include "redis/command.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>

namespace redops::redis {

namespace {

bool is_keyless(const std::string& name)
{
    static constexpr std::string_view k_keyless[] = {
        "PING",   "INFO",   "SCAN", "TIME",    "SCRIPT",   "HELLO",  "AUTH",     "SELECT", "CLIENT",  "CLUSTER", "ROLE",
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
    // The RESP multi-bulk hiredis's redisFormatCommandArgv writes, encoded in place: a pipeline of thousands
    // of commands pays no buffer, argv copies or printf per command.
    auto append_header = [&out](char kind, std::size_t n) {
        char digits[24];
        auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), n);
        (void)ec; // a size_t always fits 24 digits
        out.push_back(kind);
        out.append(digits, end);
        out.append("\r\n", 2);
    };
    append_header('*', command.args.size());
    for (const auto& arg : command.args) {
        append_header('$', arg.size());
        out.append(arg);
        out.append("\r\n", 2);
    }
}

} // namespace redops::redis
