#include "config/show.h"

#include "config/duration.h"

#include <fmt/format.h>

namespace redops::config {
namespace {

constexpr std::string_view k_none = "(none)";
constexpr std::string_view k_masked = "***";

class Rows {
public:
    void text(std::string name, const Setting<std::string>& setting)
    {
        add(std::move(name), setting.value.empty() ? std::string(k_none) : setting.value, setting.origin);
    }
    void secret(std::string name, const Setting<std::string>& setting)
    {
        add(std::move(name), std::string(setting.value.empty() ? k_none : k_masked), setting.origin);
    }
    void flag(std::string name, const Setting<bool>& setting) { add(std::move(name), setting.value ? "true" : "false", setting.origin); }
    void number(std::string name, const Setting<int>& setting) { add(std::move(name), std::to_string(setting.value), setting.origin); }
    void number(std::string name, const Setting<long long>& setting) { add(std::move(name), std::to_string(setting.value), setting.origin); }
    void duration(std::string name, const Setting<Millis>& setting) { add(std::move(name), format_duration(setting.value), setting.origin); }
    void list(std::string name, const Setting<std::vector<std::string>>& setting)
    {
        add(std::move(name), setting.value.empty() ? std::string(k_none) : fmt::format("{}", fmt::join(setting.value, ",")), setting.origin);
    }
    void key(std::string name, const Setting<KeyTemplate>& setting) { add(std::move(name), setting.value.text(), setting.origin); }

    std::vector<ShownSetting> take() { return std::move(m_rows); }

private:
    void add(std::string name, std::string value, const Origin& origin) { m_rows.push_back({std::move(name), std::move(value), describe(origin)}); }

    std::vector<ShownSetting> m_rows;
};

} // namespace

std::vector<ShownSetting> show_settings(const Settings& settings)
{
    Rows rows;
    rows.text("config_file", settings.config_file);
    rows.text("profile", settings.profile);
    const auto& c = settings.connection;
    rows.text("connection.host", c.host);
    rows.number("connection.port", c.port);
    rows.text("connection.unix_path", c.unix_path);
    rows.number("connection.db", c.db);
    rows.text("connection.user", c.user);
    rows.secret("connection.password", c.password);
    rows.flag("connection.tls.enabled", c.tls.enabled);
    rows.text("connection.tls.cacert", c.tls.cacert);
    rows.text("connection.tls.cacertdir", c.tls.cacertdir);
    rows.text("connection.tls.cert", c.tls.cert);
    rows.text("connection.tls.key", c.tls.key);
    rows.text("connection.tls.sni", c.tls.sni);
    rows.flag("connection.tls.insecure", c.tls.insecure);
    rows.flag("connection.cluster", c.cluster);
    rows.list("connection.sentinels", c.sentinels);
    rows.text("connection.master", c.master);
    rows.secret("connection.sentinel_password", c.sentinel_password);
    rows.duration("connection.connect_timeout", c.connect_timeout);
    rows.duration("connection.timeout", c.command_timeout);
    for (const auto& kind : key_kinds()) {
        rows.key(fmt::format("keys.{}", kind.name), key_template_setting(settings.keys, kind.name));
    }
    const auto& d = settings.defaults;
    rows.number("defaults.token_safety_buffer_s", d.token_safety_buffer_s);
    rows.duration("defaults.lock_ttl", d.lock_ttl);
    rows.number("defaults.dedupe_ttl_s", d.dedupe_ttl_s);
    rows.duration("defaults.session_ttl", d.session_ttl);
    rows.duration("defaults.session_remember_ttl", d.session_remember_ttl);
    rows.number("defaults.degraded_limit", d.degraded_limit);
    rows.duration("defaults.degraded_window", d.degraded_window);
    rows.number("defaults.scan_count", d.scan_count);
    rows.number("defaults.max_reply_bytes", d.max_reply_bytes);
    return rows.take();
}

} // namespace redops::config
