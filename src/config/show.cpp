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
        const auto& v = setting.value;
        add(std::move(name), v.empty() ? std::string(k_none) : v, setting.origin, ShownKind::text,
            v.empty() ? Json(nullptr) : Json(v));
    }
    void secret(std::string name, const Setting<std::string>& setting)
    {
        const bool set = !setting.value.empty();
        add(std::move(name), std::string(set ? k_masked : k_none), setting.origin, ShownKind::secret,
            set ? Json(k_masked) : Json(nullptr));
    }
    void flag(std::string name, const Setting<bool>& setting)
    {
        add(std::move(name), setting.value ? "true" : "false", setting.origin, ShownKind::flag, setting.value);
    }
    template <typename N>
    void number(std::string name, const Setting<N>& setting, ShownKind kind = ShownKind::number)
    {
        add(std::move(name), std::to_string(setting.value), setting.origin, kind, setting.value);
    }
    void duration(std::string name, const Setting<Millis>& setting)
    {
        auto& row = add(std::move(name), format_duration(setting.value), setting.origin, ShownKind::duration,
                        static_cast<long long>(setting.value.count()));
        row.path.back() += "_ms";
    }
    void list(std::string name, const Setting<std::vector<std::string>>& setting)
    {
        add(std::move(name), setting.value.empty() ? std::string(k_none) : fmt::format("{}", fmt::join(setting.value, ",")),
            setting.origin, ShownKind::list, setting.value);
    }
    void key(std::string name, const Setting<KeyTemplate>& setting)
    {
        add(std::move(name), setting.value.text(), setting.origin, ShownKind::key, setting.value.text());
    }

    std::vector<ShownSetting> take() { return std::move(m_rows); }

private:
    using Json = nlohmann::ordered_json;

    ShownSetting& add(std::string name, std::string value, const Origin& origin, ShownKind kind, Json typed)
    {
        std::vector<std::string> path;
        std::size_t begin = 0;
        for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', begin)) {
            path.push_back(name.substr(begin, dot - begin));
            begin = dot + 1;
        }
        path.push_back(name.substr(begin));
        m_rows.push_back({std::move(name), std::move(value), describe(origin), kind, std::move(typed), std::move(path)});
        return m_rows.back();
    }

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
    rows.number("defaults.max_reply_bytes", d.max_reply_bytes, ShownKind::bytes);
    return rows.take();
}

} // namespace redops::config
