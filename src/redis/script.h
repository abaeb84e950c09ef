// Lua scripts run with EVALSHA, falling back to EVAL when the server's script cache lacks them (NOSCRIPT).
#pragma once

#include "redis/client.h"

#include <string>
#include <vector>

namespace redops::redis {

class Script {
public:
    explicit Script(std::string source);
    const std::string& source() const { return m_source; }
    const std::string& sha() const { return m_sha; }

private:
    std::string m_source;
    std::string m_sha;
};

struct ScriptCall {
    std::vector<std::string> keys;
    std::vector<std::string> args;
};

// Runs the script once; an error reply (script error, WRONGTYPE inside it) is thrown as ServerError.
Reply run_script(Client& client, const Script& script, const ScriptCall& call);
// Runs the script for every call in one pipeline; calls that met NOSCRIPT are re-sent with EVAL.
// Error replies are returned in place, not thrown.
std::vector<Reply> run_script_batch(Client& client, const Script& script, const std::vector<ScriptCall>& calls);

} // namespace redops::redis
