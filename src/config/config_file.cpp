#include "config/config_file.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fmt/format.h>
#include <limits>

namespace redops::config::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::array<std::string_view, 17> k_level_keys{
    "url", "host", "port", "db", "databases", "user", "password", "password_file", "tls", "cluster", "sentinels",
    "master", "sentinel_password", "connect_timeout", "timeout", "keys", "defaults"};
constexpr std::array<std::string_view, 2> k_top_only_keys{"default_profile", "profiles"};
constexpr std::array<std::string_view, 7> k_tls_keys{"enabled", "cacert", "cacertdir", "cert", "key", "sni", "insecure"};

struct TlsPath {
    std::string_view name;
    Setting<std::string> TlsSettings::*member;
    bool is_path; // relative paths resolve against the config file's directory
};
constexpr std::array<TlsPath, 5> k_tls_strings{{{"cacert", &TlsSettings::cacert, true},
                                                {"cacertdir", &TlsSettings::cacertdir, true},
                                                {"cert", &TlsSettings::cert, true},
                                                {"key", &TlsSettings::key, true},
                                                {"sni", &TlsSettings::sni, false}}};

struct CountDefault {
    std::string_view name;
    Setting<long long> Defaults::*member;
    CountRange range;
};
constexpr std::array<CountDefault, 5> k_count_defaults{{{"token_safety_buffer_s", &Defaults::token_safety_buffer_s, k_buffer_seconds_range},
                                                        {"dedupe_ttl_s", &Defaults::dedupe_ttl_s, k_ttl_seconds_range},
                                                        {"degraded_limit", &Defaults::degraded_limit, k_limit_range},
                                                        {"scan_count", &Defaults::scan_count, k_scan_count_range},
                                                        {"max_reply_bytes", &Defaults::max_reply_bytes, k_reply_bytes_range}}};

struct DurationDefault {
    std::string_view name;
    Setting<Millis> Defaults::*member;
    DurationRange range;
};
constexpr std::array<DurationDefault, 4> k_duration_defaults{{{"lock_ttl", &Defaults::lock_ttl, k_ttl_range},
                                                              {"session_ttl", &Defaults::session_ttl, k_ttl_range},
                                                              {"session_remember_ttl", &Defaults::session_remember_ttl, k_ttl_range},
                                                              {"degraded_window", &Defaults::degraded_window, k_ttl_range}}};

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
        auto& connection = m_state.settings.connection;
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
        if (m_object.contains("user")) {
            set(connection.user, string_at(m_object, "user"), m_origin);
        }
        apply_password();
        apply_tls();
        if (m_object.contains("cluster")) {
            set(connection.cluster, bool_at(m_object, "cluster"), m_origin);
        }
        apply_sentinels();
        if (m_object.contains("connect_timeout")) {
            set(connection.connect_timeout, ranged_duration(string_at(m_object, "connect_timeout"), context("connect_timeout"), k_timeout_range), m_origin);
        }
        if (m_object.contains("timeout")) {
            set(connection.command_timeout, ranged_duration(string_at(m_object, "timeout"), context("timeout"), k_timeout_range), m_origin);
        }
        apply_keys();
        apply_defaults();
    }

private:
    std::string context(std::string_view key) const { return fmt::format("config file \"{}\": {}{}", m_path, m_where, key); }

    [[noreturn]] void fail(std::string_view key, std::string_view why) const { throw Error(ErrorKind::config, fmt::format("{}: {}", context(key), why)); }

    template <std::size_t N>
    void check_known(const json& object, const std::array<std::string_view, N>& known, std::string_view where, bool is_top) const
    {
        for (const auto& [key, value] : object.items()) {
            bool found = std::find(known.begin(), known.end(), key) != known.end() ||
                         (is_top && std::find(k_top_only_keys.begin(), k_top_only_keys.end(), key) != k_top_only_keys.end());
            if (!found) {
                file_fail(m_path, fmt::format("unknown key \"{}\"{}{} (known: {})", key, where.empty() ? "" : " in ", where,
                                              fmt::join(known, ", ")));
            }
        }
    }

    void check_keys(const json& object, const std::string& where, bool is_top) const
    {
        check_known(object, k_level_keys, where.empty() ? "" : where.substr(0, where.size() - 1), is_top);
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
        if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))) {
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
        if (m_object.contains("sentinel_password")) {
            set(m_state.settings.connection.sentinel_password, string_at(m_object, "sentinel_password"), m_origin);
        }
    }

    void apply_tls()
    {
        if (!m_object.contains("tls")) {
            return;
        }
        auto& tls = m_state.settings.connection.tls;
        const json& value = m_object.at("tls");
        if (value.is_boolean()) {
            set(tls.enabled, value.get<bool>(), m_origin);
            return;
        }
        const json& object = object_at("tls");
        check_known(object, k_tls_keys, m_where + "tls", false);
        if (object.contains("enabled")) {
            set(tls.enabled, bool_at(object, "enabled", "tls."), m_origin);
        }
        if (object.contains("insecure")) {
            set(tls.insecure, bool_at(object, "insecure", "tls."), m_origin);
        }
        for (const auto& field : k_tls_strings) {
            if (object.contains(field.name)) {
                std::string text = string_at(object, field.name, "tls.");
                set(tls.*field.member, field.is_path ? resolve(std::move(text)) : std::move(text), m_origin);
            }
        }
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
        if (m_object.contains("master")) {
            set(connection.master, string_at(m_object, "master"), m_origin);
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
                file_fail(m_path, fmt::format("unknown key \"{}\" in {}keys (known: {})", kind, m_where, fmt::join(names, ", ")));
            }
            if (!value.is_string()) {
                fail("keys." + kind, "must be a string");
            }
            try {
                set(key_template_setting(m_state.settings.keys, kind), parse_key_template(kind, value.get<std::string>()), m_origin);
            } catch (const Error& error) {
                fail("keys." + kind, error.what());
            }
        }
    }

    void apply_defaults()
    {
        if (!m_object.contains("defaults")) {
            return;
        }
        const json& object = object_at("defaults");
        auto& defaults = m_state.settings.defaults;
        for (const auto& [key, value] : object.items()) {
            const std::string& key_name = key; // a lambda cannot capture a structured binding before clang 16 (fuzz build)
            auto count = std::find_if(k_count_defaults.begin(), k_count_defaults.end(), [&](const auto& d) { return d.name == key_name; });
            auto duration = std::find_if(k_duration_defaults.begin(), k_duration_defaults.end(), [&](const auto& d) { return d.name == key_name; });
            if (count != k_count_defaults.end()) {
                long long number = integer_at(object, key, "defaults.");
                if (std::string why = out_of_range(number, count->range); !why.empty()) {
                    fail("defaults." + key, why);
                }
                set(defaults.*(count->member), number, m_origin);
            } else if (duration != k_duration_defaults.end()) {
                set(defaults.*(duration->member),
                    ranged_duration(string_at(object, key, "defaults."), context("defaults." + key), duration->range), m_origin);
            } else {
                std::vector<std::string_view> names;
                for (const auto& d : k_count_defaults) {
                    names.push_back(d.name);
                }
                for (const auto& d : k_duration_defaults) {
                    names.push_back(d.name);
                }
                file_fail(m_path, fmt::format("unknown key \"{}\" in {}defaults (known: {})", key, m_where, fmt::join(names, ", ")));
            }
        }
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
        FileLevel(profile, path, "profiles." + name + ".", {Source::file, path + ":" + name}, profile_scratch).apply(false);
        names.push_back(name);
    }
    if (doc.contains("default_profile")) {
        const json& chosen = doc.at("default_profile");
        if (!chosen.is_string()) {
            file_fail(path, "default_profile: must be a string");
        }
        if (std::find(names.begin(), names.end(), chosen.get<std::string>()) == names.end()) {
            file_fail(path, fmt::format("default_profile: no profile named \"{}\" (available: {})", chosen.get<std::string>(),
                                        names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
        }
    }
    return names;
}

void apply_config_file(const json& doc, const std::string& path, const std::string& profile, LoadState& state)
{
    FileLevel(doc, path, "", {Source::file, path}, state).apply(true);
    if (!profile.empty()) {
        FileLevel(profiles_of(doc, path).at(profile), path, "profiles." + profile + ".", {Source::file, path + ":" + profile}, state)
            .apply(false);
    }
}

} // namespace redops::config::detail
