#include "config/show.h"

#include "config/duration.h"
#include "config/setting_table.h"

#include <fmt/format.h>

namespace redops::config {
namespace {

constexpr std::string_view k_none = "(none)";
constexpr std::string_view k_masked = "***";

class Rows {
public:
    // One row of the settings table, shown by its setting's type.
    void add_row(std::string name, SettingType type, const Setting<std::string>& setting)
    {
        type == SettingType::secret ? secret(std::move(name), setting) : text(std::move(name), setting);
    }
    void add_row(std::string name, SettingType, const Setting<bool>& setting) { flag(std::move(name), setting); }
    template <typename N>
    void add_row(std::string name, SettingType type, const Setting<N>& setting)
    {
        number(std::move(name), setting, type == SettingType::bytes ? ShownKind::bytes : ShownKind::number);
    }
    void add_row(std::string name, SettingType, const Setting<Millis>& setting) { duration(std::move(name), setting); }
    void add_row(std::string name, SettingType, const Setting<std::vector<std::string>>& setting)
    {
        list(std::move(name), setting);
    }

    void key(std::string name, const Setting<KeyTemplate>& setting)
    {
        add(std::move(name), setting.value.text(), setting.origin, ShownKind::key, setting.value.text());
    }

    std::vector<ShownSetting> take() { return std::move(m_rows); }

private:
    using Json = nlohmann::ordered_json;

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
        add(std::move(name),
            setting.value.empty() ? std::string(k_none) : fmt::format("{}", fmt::join(setting.value, ",")),
            setting.origin, ShownKind::list, setting.value);
    }

    ShownSetting& add(std::string name, std::string value, const Origin& origin, ShownKind kind, Json typed)
    {
        std::vector<std::string> path;
        std::size_t begin = 0;
        for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', begin)) {
            path.push_back(name.substr(begin, dot - begin));
            begin = dot + 1;
        }
        path.push_back(name.substr(begin));
        m_rows.push_back(
            {std::move(name), std::move(value), describe(origin), kind, std::move(typed), std::move(path)});
        return m_rows.back();
    }

    std::vector<ShownSetting> m_rows;
};

} // namespace

std::vector<ShownSetting> show_settings(const Settings& settings)
{
    Rows rows;
    for (const auto& row : setting_table()) {
        if (row.type == SettingType::key) {
            for (const auto& kind : key_kinds()) {
                rows.key(fmt::format("{}.{}", row.name, kind.name), key_template_setting(settings.keys, kind.name));
            }
            continue;
        }
        if (row.field == nullptr) {
            continue; // an input such as url or password_file: shown as the settings it fills
        }
        std::visit([&](const auto* setting) { rows.add_row(std::string(row.name), row.type, *setting); },
                   read_row(row, settings));
    }
    return rows.take();
}

} // namespace redops::config
