#include "cli/context.h"

#include "common/error.h"
#include "config/connection_options.h"

#include <iostream>
#include <string>

namespace redops::cli {

Context::Context(config::FlagValues flags, config::EnvLookup env, config::PasswordPrompt prompt,
                 output::Printer& printer, Terminal terminal)
    : m_flags(std::move(flags)), m_env(std::move(env)), m_prompt(std::move(prompt)), m_printer(printer),
      m_terminal(terminal)
{
}

const config::Settings& Context::settings()
{
    if (!m_settings) {
        m_settings = config::load_settings(m_flags, m_env, m_prompt);
        for (const auto& warning : m_settings->warnings) {
            m_printer.warn(warning);
        }
    }
    return *m_settings;
}

redis::Client& Context::client()
{
    if (!m_client) {
        const config::Settings& s = settings();
        if (s.connection.cluster.value || !s.connection.sentinels.value.empty()) {
            throw Error(ErrorKind::usage, "cluster and sentinel topologies are not supported yet (issue 8)");
        }
        m_client = std::make_unique<redis::StandaloneClient>(config::connection_options(s));
    }
    return *m_client;
}

bool Context::confirm(const std::string& question, bool assume_yes)
{
    if (assume_yes) {
        return true;
    }
    if (!m_terminal.stdin_is_tty) {
        return false;
    }
    std::cerr << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(m_terminal.in, answer)) {
        return false;
    }
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES";
}

} // namespace redops::cli
