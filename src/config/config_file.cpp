#include "config/config_file.h"

#include "common/error.h"
#include "config/setting_table.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <limits>

namespace redops::config::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::array<std::string_view, 2> k_top_only_keys{"default_profile", "profiles"};

[[noreturn]] void file_fail(const std::string& path, std::string_view why)
{
    throw Error(ErrorKind::config, fmt::format("config file \"{}\": {}", path, why));
}

// Applies one JSON object - the top level or one profile - as one precedence level.
class FileLevel {
public:
    FileLevel(const json& object, const std::string& path, std::string where, Origin origin, LoadState& state)
        : m_object(object), m_path(path), m_where(std::move(where)), m_origin(std::move(origin)), m_state(state)
    {
    }

    void apply(bool is_top)
    {
        check_keys(m_object, m_where, is_top);
        if (m_object.contains("url")) {
            apply_url(string_at(m_object, "url"), m_origin, context("url"), m_state);
        }
        if (m_object.contains("host")) {
            set_host(m_state, string_at(m_object, "host"), m_origin, context("host"));
        }
        if (m_object.contains("port")) {
            set_port(m_state, integer_at(m_object, "port"), m_origin, context("port"));
        }
        if (m_object.contains("db")) {
            set_db(m_state, integer_at(m_object, "db"), m_origin, context("db"));
        }
        if (m_object.contains("databases")) {
            long long databases = integer_at(m_object, "databases");
            if (std::string why = out_of_range(databases, k_databases_range); !why.empty()) {
                fail("databases", why);
            }
            set(m_state.databases, databases, m_origin);
        }
        apply_password();
        check_tls();
        apply_sentinels();
        apply_keys();
        check_defaults();
        for (const auto& row : setting_table()) {
            if (!row.by_hand && !row.file_key.empty()) {
                apply_row(row);
            }
        }
    }

private:
    std::string context(std::string_view key) const
    {
        return fmt::format("config file \"{}\": {}{}", m_path, m_where, key);
    }

    [[noreturn]] void fail(std::string_view key, std::string_view why) const
    {
        throw Error(ErrorKind::config, fmt::format("{}: {}", context(key), why));
    }

    void check_known(const json& object, const std::vector<std::string_view>& known, std::string_view where,
                     bool is_top) const
    {
        for (const auto& [key, value] : object.items()) {
            bool found = std::find(known.begin(), known.end(), key) != known.end() ||
                         (is_top &&
                          std::find(k_top_only_keys.begin(), k_top_only_keys.end(), key) != k_top_only_keys.end());
            if (!found) {
                file_fail(m_path, fmt::format("unknown key \"{}\"{}{} (known: {})", key, where.empty() ? "" : " in ",
                                              where, fmt::join(known, ", ")));
            }
        }
    }

    void check_keys(const json& object, const std::string& where, bool is_top) const
    {
        check_known(object, file_keys(), where.empty() ? "" : where.substr(0, where.size() - 1), is_top);
    }

    std::string string_at(const json& object, std::string_view key, std::string_view prefix = "") const
    {
        const json& value = object.at(std::string(key));
        if (!value.is_string()) {
            // The value is never echoed: it may be a password.
            fail(fmt::format("{}{}", prefix, key), "must be a string");
        }
        return value.get<std::string>();
    }

    long long integer_at(const json& object, std::string_view key, std::string_view prefix = "") const
    {
        const json& value = object.at(std::string(key));
        if (!value.is_number_integer() ||
            (value.is_number_unsigned() &&
             value.get<unsigned long long>() >
                 static_cast<unsigned long long>(std::numeric_limits<long long>::max()))) {
            fail(fmt::format("{}{}", prefix, key), "must be an integer");
        }
        return value.get<long long>();
    }

    bool bool_at(const json& object, std::string_view key, std::string_view prefix = "") const
    {
        const json& value = object.at(std::string(key));
        if (!value.is_boolean()) {
            fail(fmt::format("{}{}", prefix, key), "must be true or false");
        }
        return value.get<bool>();
    }

    const json& object_at(std::string_view key) const
    {
        const json& value = m_object.at(std::string(key));
        if (!value.is_object()) {
            fail(key, "must be an object");
        }
        return value;
    }

    std::string resolve(std::string text) const
    {
        fs::path path(text);
        if (path.is_relative() && !text.empty()) {
            return (fs::path(m_path).parent_path() / path).string();
        }
        return text;
    }

    void apply_password()
    {
        bool has_password = m_object.contains("password");
        bool has_file = m_object.contains("password_file");
        if (has_password && has_file) {
            fail("password", "give either password or password_file, not both");
        }
        if (has_password) {
            m_state.password = {PasswordSource::Kind::literal, string_at(m_object, "password"), m_origin};
        } else if (has_file) {
            m_state.password = {PasswordSource::Kind::file, resolve(string_at(m_object, "password_file")), m_origin};
        }
    }

    // "tls": true is short for {"enabled": true}; the object's keys are applied from the table.
    void check_tls()
    {
        if (!m_object.contains("tls")) {
            return;
        }
        const json& value = m_object.at("tls");
        if (value.is_boolean()) {
            set(m_state.settings.connection.tls.enabled, value.get<bool>(), m_origin);
            return;
        }
        check_known(object_at("tls"), file_keys("tls"), m_where + "tls", false);
    }

    void apply_sentinels()
    {
        auto& connection = m_state.settings.connection;
        if (m_object.contains("sentinels")) {
            const json& list = m_object.at("sentinels");
            if (!list.is_array()) {
                fail("sentinels", "must be an array of \"host:port\" strings");
            }
            std::vector<std::string> sentinels;
            for (const json& item : list) {
                if (!item.is_string()) {
                    fail("sentinels", "must be an array of \"host:port\" strings");
                }
                sentinels.push_back(checked_sentinel(item.get<std::string>(), context("sentinels")));
            }
            set(connection.sentinels, std::move(sentinels), m_origin);
        }
    }

    void apply_keys()
    {
        if (!m_object.contains("keys")) {
            return;
        }
        for (const auto& [kind, value] : object_at("keys").items()) {
            if (find_key_kind(kind) == nullptr) {
                std::vector<std::string_view> names;
                for (const auto& known : key_kinds()) {
                    names.push_back(known.name);
                }
                file_fail(m_path, fmt::format("unknown key \"{}\" in {}keys (known: {})", kind, m_where,
                                              fmt::join(names, ", ")));
            }
            if (!value.is_string()) {
                fail("keys." + kind, "must be a string");
            }
            try {
                set(key_template_setting(m_state.settings.keys, kind),
                    parse_key_template(kind, value.get<std::string>()), m_origin);
            } catch (const Error& error) {
                fail("keys." + kind, error.what());
            }
        }
    }

    void check_defaults() const
    {
        if (!m_object.contains("defaults")) {
            return;
        }
        const auto known = file_keys("defaults");
        for (const auto& [key, value] : object_at("defaults").items()) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                file_fail(m_path, fmt::format("unknown key \"{}\" in {}defaults (known: {})", key, m_where,
                                              fmt::join(known, ", ")));
            }
        }
    }

    // The object a file key sits in: this level, or its section ("tls", "defaults"); null when absent (or "tls"
    // given as a bool).
    const json* holder(std::string_view section) const
    {
        if (section.empty()) {
            return &m_object;
        }
        if (!m_object.contains(std::string(section))) {
            return nullptr;
        }
        const json& value = m_object.at(std::string(section));
        return value.is_object() ? &value : nullptr;
    }

    // A key the table says how to read: by the row's type, checked against its range.
    void apply_row(const SettingRow& row)
    {
        const std::string_view key = row.file_key;
        const auto dot = key.find('.');
        const std::string section(dot == std::string_view::npos ? std::string_view{} : key.substr(0, dot));
        const std::string name(dot == std::string_view::npos ? key : key.substr(dot + 1));
        const json* object = holder(section);
        if (object == nullptr || !object->contains(name)) {
            return;
        }
        const std::string prefix = section.empty() ? std::string() : section + ".";
        Settings& settings = m_state.settings;
        switch (row.type) {
        case SettingType::flag: set_row(row, settings, bool_at(*object, name, prefix), m_origin); return;
        case SettingType::path:
        case SettingType::directory:
            set_row(row, settings, resolve(string_at(*object, name, prefix)), m_origin);
            return;
        case SettingType::text:
        case SettingType::secret: set_row(row, settings, string_at(*object, name, prefix), m_origin); return;
        case SettingType::duration:
            set_row(row, settings,
                    ranged_duration(string_at(*object, name, prefix), context(key), std::get<DurationRange>(row.range)),
                    m_origin);
            return;
        case SettingType::number:
        case SettingType::bytes: {
            long long number = integer_at(*object, name, prefix);
            if (std::string why = out_of_range(number, std::get<CountRange>(row.range)); !why.empty()) {
                fail(key, why);
            }
            set_row(row, settings, number, m_origin);
            return;
        }
        case SettingType::list:
        case SettingType::key: break;
        }
        throw std::logic_error("setting table: no generic reading for " + std::string(row.name));
    }

    const json& m_object;
    const std::string& m_path;
    std::string m_where; // "" or "profiles.prod." - prefixes key names in messages
    Origin m_origin;
    LoadState& m_state;
};

const json& profiles_of(const json& doc, const std::string& path)
{
    static const json k_none = json::object();
    if (!doc.contains("profiles")) {
        return k_none;
    }
    const json& profiles = doc.at("profiles");
    if (!profiles.is_object()) {
        file_fail(path, "\"profiles\" must be an object of profile objects");
    }
    for (const auto& [name, profile] : profiles.items()) {
        if (!profile.is_object()) {
            file_fail(path, fmt::format("profile \"{}\" must be an object", name));
        }
    }
    return profiles;
}

} // namespace

std::vector<std::string> validate_config_file(const json& doc, const std::string& path)
{
    if (!doc.is_object()) {
        file_fail(path, "the top level must be a JSON object");
    }
    std::vector<std::string> names;
    LoadState scratch;
    FileLevel(doc, path, "", {Source::file, path}, scratch).apply(true);
    for (const auto& [name, profile] : profiles_of(doc, path).items()) {
        LoadState profile_scratch;
        FileLevel(profile, path, "profiles." + name + ".", {Source::file, path + ":" + name}, profile_scratch)
            .apply(false);
        names.push_back(name);
    }
    if (doc.contains("default_profile")) {
        const json& chosen = doc.at("default_profile");
        if (!chosen.is_string()) {
            file_fail(path, "default_profile: must be a string");
        }
        if (std::find(names.begin(), names.end(), chosen.get<std::string>()) == names.end()) {
            file_fail(path,
                      fmt::format("default_profile: no profile named \"{}\" (available: {})", chosen.get<std::string>(),
                                  names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
        }
    }
    return names;
}

void apply_config_file(const json& doc, const std::string& path, const std::string& profile, LoadState& state)
{
    FileLevel(doc, path, "", {Source::file, path}, state).apply(true);
    if (!profile.empty()) {
        FileLevel(profiles_of(doc, path).at(profile), path, "profiles." + profile + ".",
                  {Source::file, path + ":" + profile}, state)
            .apply(false);
    }
}

} // namespace redops::config::detail
