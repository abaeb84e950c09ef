// What a running command may use: the effective settings, the Redis client and the printer — all created lazily.
#pragma once

#include "config/loader.h"
#include "config/settings.h"
#include "output/printer.h"
#include "redis/client.h"
#include "redis/client_factory.h"

#include <iosfwd>
#include <memory>
#include <optional>

namespace redops::cli {

struct Terminal {
    std::istream& in;
    bool stdin_is_tty = false;
    bool stdout_is_tty = false;
};

class Context {
public:
    Context(config::FlagValues flags, config::EnvLookup env, config::PasswordPrompt prompt, output::Printer& printer,
            Terminal terminal);

    // Loads the configuration on first use, so commands that need none (completion) never fail on it.
    const config::Settings& settings();
    // Connects on first use, with the topology the settings ask for.
    redis::Client& client();
    // Makes further clients of the same topology, each with its own connections (a renewal thread, load
    // workers, a monitor reconnecting after a failover).
    const redis::ClientFactory& client_factory();
    output::Printer& printer() { return m_printer; }
    Terminal& terminal() { return m_terminal; }
    const config::EnvLookup& env() const { return m_env; }
    const config::FlagValues& flags() const { return m_flags; }

    // The password of the loaded settings, or null when none is loaded or set: main masks it in error messages.
    const std::string* loaded_password() const;

    // The server and db a prompt names: "127.0.0.1:6379 db 0", "unix:/run/redis.sock db 2",
    // "the cluster at 10.0.0.5:7000", "sentinel master mymaster db 0".
    std::string target_text();
    // Asks "question [y/N]" on a TTY; off a TTY returns false unless `assume_yes` (the caller's --yes).
    bool confirm(const std::string& question, bool assume_yes);

private:
    config::FlagValues m_flags;
    config::EnvLookup m_env;
    config::PasswordPrompt m_prompt;
    output::Printer& m_printer;
    Terminal m_terminal;
    std::optional<config::Settings> m_settings;
    std::unique_ptr<redis::Client> m_client;
    std::optional<redis::ClientFactory> m_client_factory;
};

} // namespace redops::cli
