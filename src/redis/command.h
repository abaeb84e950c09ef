// A Redis command as binary-safe arguments, with the key a cluster router would route it by.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::redis {

struct Command {
    std::vector<std::string> args;

    Command() = default;
    explicit Command(std::vector<std::string> arguments) : args(std::move(arguments)) {}

    // The first key, for slot routing; nullopt for keyless commands (PING, INFO, SCAN, ...).
    std::optional<std::string_view> routing_key() const;
    // The verb, upper-cased, for messages ("GET").
    std::string name() const;
};

// cmd("SET", key, value, "NX") — anything convertible to std::string or an integer.
template <class... Args>
Command cmd(Args&&... args)
{
    Command command;
    command.args.reserve(sizeof...(Args));
    auto add = [&command](auto&& arg) {
        using T = std::decay_t<decltype(arg)>;
        if constexpr (std::is_integral_v<T>) {
            command.args.push_back(std::to_string(arg));
        } else {
            command.args.emplace_back(std::forward<decltype(arg)>(arg));
        }
    };
    (add(std::forward<Args>(args)), ...);
    return command;
}

// RESP encoding (the multi-bulk hiredis's formatter writes), appended to `out`.
void append_resp(const Command& command, std::string& out);

} // namespace redops::redis
