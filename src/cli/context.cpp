#include "cli/context.h"

#include "common/error.h"
#include "config/connection_options.h"

#include "output/text_width.h"

#include <fmt/format.h>

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

const redis::ClientFactory& Context::client_factory()
{
    if (!m_client_factory) {
        m_client_factory.emplace(config::client_factory(settings()));
    }
    return *m_client_factory;
}

redis::Client& Context::client()
{
    if (!m_client) {
        m_client = client_factory().make();
    }
    return *m_client;
}

const std::string* Context::loaded_password() const
{
    if (!m_settings || m_settings->connection.password.value.empty()) {
        return nullptr;
    }
    return &m_settings->connection.password.value;
}

std::string Context::target_text()
{
    const auto& c = settings().connection;
    if (!c.sentinels.value.empty()) {
        return fmt::format("sentinel master {} db {}", output::sanitize_for_terminal(c.master.value), c.db.value);
    }
    std::string address = c.unix_path.value.empty() ? fmt::format("{}:{}", c.host.value, c.port.value)
                                                    : fmt::format("unix:{}", c.unix_path.value);
    address = output::sanitize_for_terminal(address);
    if (c.cluster.value) {
        return fmt::format("the cluster at {}", address);
    }
    return fmt::format("{} db {}", address, c.db.value);
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
