// Refusing to write over another kind's data: the guard scripts' error reply and its mapping to Error(data).
#pragma once

#include "common/error.h"
#include "redis/client.h"
#include "redis/script.h"

#include <string>
#include <string_view>

namespace redops::repo {

// A guard script refuses with the error reply "WRONGSTATE <what the key holds>", e.g. "WRONGSTATE a hash".
inline constexpr std::string_view k_wrong_state_code = "WRONGSTATE";

// Lua, prepended to a script: refuses (returns the WRONGSTATE error) unless KEYS[1] is missing or a string.
inline constexpr std::string_view k_lua_require_string = R"lua(
local held = redis.call('TYPE', KEYS[1])['ok']
if held ~= 'none' and held ~= 'string' then return redis.error_reply('WRONGSTATE a ' .. held) end
)lua";

// Error(data): `key "K" holds <found>, not <expected>; it was left unchanged`.
Error wrong_state(std::string_view key, std::string_view found, std::string_view expected);

// What a WRONGSTATE reply says the key holds; empty for any other reply.
std::string wrong_state_found(const redis::Reply& reply);

// run_script, with a WRONGSTATE refusal thrown as wrong_state(key, ..., expected).
redis::Reply run_guarded(redis::Client& client, const redis::Script& script, const redis::ScriptCall& call,
                         std::string_view expected);

// A Redis TYPE for a message: "a hash", "a zset", ...
std::string describe_type(std::string_view type);

} // namespace redops::repo
