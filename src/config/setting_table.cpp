#include "config/setting_table.h"

#include <algorithm>

namespace redops::config {

namespace {

using T = SettingType;
using F = FlagValues;
using S = Settings;

template <auto Member>
SettingRef in_defaults(Settings& s)
{
    return &(s.defaults.*Member);
}

// A default of the config file's "defaults" object, which no flag or variable sets.
SettingRow file_default(std::string_view key, SettingType type, SettingRef (*field)(Settings&), SettingRange range)
{
    return {key, type, "", "", key, "", field, {}, range};
}

} // namespace

// Adding a setting is one row here (and its member in Settings; a flag also needs its FlagValues member and its
// line in cli/app.cpp). The order is `config show`'s and that of the keys a config-file error lists as known.
const std::vector<SettingRow>& setting_table()
{
    static const std::vector<SettingRow> k_rows{
        {"config_file",
         T::path,
         "--config",
         "REDOPS_CONFIG",
         "",
         "Config file (default $XDG_CONFIG_HOME/redops/config.json)",
         [](S& s) -> SettingRef { return &s.config_file; },
         {},
         {},
         true},
        {"profile",
         T::text,
         "--profile",
         "REDOPS_PROFILE",
         "",
         "Profile of the config file to use",
         [](S& s) -> SettingRef { return &s.profile; },
         {},
         {},
         true},
        {"url",
         T::text,
         "-u,--url",
         "REDIS_URL",
         "url",
         "redis://[user[:password]@]host[:port][/db], rediss://… or unix:///path",
         nullptr,
         {},
         {},
         true},
        {"connection.host",
         T::text,
         "-h,--host",
         "REDIS_HOST",
         "host",
         "Server host (default 127.0.0.1)",
         [](S& s) -> SettingRef { return &s.connection.host; },
         {},
         {},
         true},
        {"connection.port",
         T::number,
         "-p,--port",
         "REDIS_PORT",
         "port",
         "Server port (default 6379)",
         [](S& s) -> SettingRef { return &s.connection.port; },
         {},
         k_port_range,
         true},
        {"connection.unix_path",
         T::text,
         "",
         "",
         "",
         "",
         [](S& s) -> SettingRef { return &s.connection.unix_path; },
         {},
         {},
         true},
        {"connection.db",
         T::number,
         "-n,--db",
         "REDIS_DB",
         "db",
         "Database number (0-15, or below the config file's \"databases\")",
         [](S& s) -> SettingRef { return &s.connection.db; },
         {},
         {},
         true},
        {"databases", T::number, "", "", "databases", "", nullptr, {}, k_databases_range, true},
        {"connection.user",
         T::text,
         "--user",
         "",
         "user",
         "ACL user name",
         [](S& s) -> SettingRef { return &s.connection.user; },
         &F::user,
         {}},
        {"connection.password",
         T::secret,
         "-a,--password",
         "REDIS_PASSWORD",
         "password",
         "Password (visible to other users: prefer --askpass)",
         [](S& s) -> SettingRef { return &s.connection.password; },
         {},
         {},
         true},
        {"password_file",
         T::path,
         "--password-file",
         "",
         "password_file",
         "Read the password from the first line of FILE",
         nullptr,
         {},
         {},
         true},
        {"askpass", T::flag, "--askpass", "", "", "Prompt for the password without echo", nullptr, {}, {}, true},
        {"connection.tls.enabled",
         T::flag,
         "--tls",
         "",
         "tls.enabled",
         "Connect with TLS",
         [](S& s) -> SettingRef { return &s.connection.tls.enabled; },
         &F::tls,
         {}},
        {"connection.tls.cacert",
         T::path,
         "--cacert",
         "",
         "tls.cacert",
         "CA certificate file",
         [](S& s) -> SettingRef { return &s.connection.tls.cacert; },
         &F::cacert,
         {}},
        {"connection.tls.cacertdir",
         T::directory,
         "--cacertdir",
         "",
         "tls.cacertdir",
         "CA certificate directory",
         [](S& s) -> SettingRef { return &s.connection.tls.cacertdir; },
         &F::cacertdir,
         {}},
        {"connection.tls.cert",
         T::path,
         "--cert",
         "",
         "tls.cert",
         "Client certificate (mutual TLS; needs a key)",
         [](S& s) -> SettingRef { return &s.connection.tls.cert; },
         &F::cert,
         {}},
        {"connection.tls.key",
         T::path,
         "--key",
         "",
         "tls.key",
         "Client private key (needs a certificate)",
         [](S& s) -> SettingRef { return &s.connection.tls.key; },
         &F::key,
         {}},
        {"connection.tls.sni",
         T::text,
         "--sni",
         "",
         "tls.sni",
         "Server name for SNI and verification",
         [](S& s) -> SettingRef { return &s.connection.tls.sni; },
         &F::sni,
         {}},
        {"connection.tls.insecure",
         T::flag,
         "--insecure",
         "",
         "tls.insecure",
         "Skip certificate verification (warns)",
         [](S& s) -> SettingRef { return &s.connection.tls.insecure; },
         &F::insecure,
         {}},
        {"connection.cluster",
         T::flag,
         "--cluster",
         "",
         "cluster",
         "Redis Cluster mode",
         [](S& s) -> SettingRef { return &s.connection.cluster; },
         &F::cluster,
         {}},
        {"connection.sentinels",
         T::list,
         "--sentinel",
         "",
         "sentinels",
         "Sentinel HOST:PORT (repeatable)",
         [](S& s) -> SettingRef { return &s.connection.sentinels; },
         {},
         {},
         true},
        {"connection.master",
         T::text,
         "--master",
         "",
         "master",
         "Sentinel master name",
         [](S& s) -> SettingRef { return &s.connection.master; },
         &F::master,
         {}},
        {"connection.sentinel_password",
         T::secret,
         "",
         "",
         "sentinel_password",
         "",
         [](S& s) -> SettingRef { return &s.connection.sentinel_password; },
         {},
         {}},
        {"connection.connect_timeout", T::duration, "--connect-timeout", "", "connect_timeout",
         "Connect timeout, e.g. 2s (default 2s)", [](S& s) -> SettingRef { return &s.connection.connect_timeout; },
         &F::connect_timeout, k_timeout_range},
        {"connection.timeout", T::duration, "--timeout", "", "timeout", "Per-command timeout, e.g. 500ms (default 5s)",
         [](S& s) -> SettingRef { return &s.connection.command_timeout; }, &F::timeout, k_timeout_range},
        // One row for the templates: their kinds, placeholders and defaults are key_template's table.
        {"keys", T::key, "", "", "keys", "", nullptr, {}, {}, true},
        file_default("defaults.token_safety_buffer_s", T::number, in_defaults<&Defaults::token_safety_buffer_s>,
                     k_buffer_seconds_range),
        file_default("defaults.lock_ttl", T::duration, in_defaults<&Defaults::lock_ttl>, k_ttl_range),
        file_default("defaults.dedupe_ttl_s", T::number, in_defaults<&Defaults::dedupe_ttl_s>, k_ttl_seconds_range),
        file_default("defaults.session_ttl", T::duration, in_defaults<&Defaults::session_ttl>, k_ttl_range),
        file_default("defaults.session_remember_ttl", T::duration, in_defaults<&Defaults::session_remember_ttl>,
                     k_ttl_range),
        file_default("defaults.degraded_limit", T::number, in_defaults<&Defaults::degraded_limit>, k_limit_range),
        file_default("defaults.degraded_window", T::duration, in_defaults<&Defaults::degraded_window>, k_ttl_range),
        file_default("defaults.scan_count", T::number, in_defaults<&Defaults::scan_count>, k_scan_count_range),
        // The flag's minimum is a usage error of its own wording (loader.cpp).
        {"defaults.max_reply_bytes",
         T::bytes,
         "--max-reply-bytes",
         "",
         "defaults.max_reply_bytes",
         "Largest single reply accepted (default 512 MiB)",
         [](S& s) -> SettingRef { return &s.defaults.max_reply_bytes; },
         {},
         k_reply_bytes_range},
    };
    return k_rows;
}

std::string_view long_flag(const SettingRow& row)
{
    auto comma = row.flag.rfind(',');
    return comma == std::string_view::npos ? row.flag : row.flag.substr(comma + 1);
}

const SettingRow& setting_by_flag(std::string_view flag)
{
    const auto& rows = setting_table();
    auto found = std::find_if(rows.begin(), rows.end(), [&](const SettingRow& row) { return long_flag(row) == flag; });
    if (found == rows.end()) {
        throw std::out_of_range("no setting for flag " + std::string(flag));
    }
    return *found;
}

ConstSettingRef read_row(const SettingRow& row, const Settings& settings)
{
    // The accessor only takes the setting's address, which becomes a pointer to const at once: nothing is written.
    return std::visit([](auto* setting) -> ConstSettingRef { return setting; },
                      row.field(const_cast<Settings&>(settings)));
}

std::vector<std::string_view> file_keys(std::string_view section)
{
    std::vector<std::string_view> keys;
    for (const auto& row : setting_table()) {
        std::string_view key = row.file_key;
        auto dot = key.find('.');
        std::string_view head = dot == std::string_view::npos ? key : key.substr(0, dot);
        if (!section.empty()) {
            if (dot == std::string_view::npos || head != section) {
                continue;
            }
            head = key.substr(dot + 1);
        }
        if (!head.empty() && std::find(keys.begin(), keys.end(), head) == keys.end()) {
            keys.push_back(head);
        }
    }
    return keys;
}

} // namespace redops::config
