// The effective configuration: every value together with where it came from (for `config show`).
#pragma once

#include "config/key_template.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::config {

enum class Source { default_value, file, env, flag };

struct Origin {
    Source source = Source::default_value;
    std::string detail; // "--port", "REDIS_URL", "/etc/redops/config.json:prod", "" for defaults
};

std::string describe(const Origin& origin); // "flag --port", "env REDIS_URL", "file /x.json:prod", "default"

template <class T>
struct Setting {
    T value{};
    Origin origin{};
};

using Millis = std::chrono::milliseconds;

struct TlsSettings {
    Setting<bool> enabled{false, {}};
    Setting<std::string> cacert;
    Setting<std::string> cacertdir;
    Setting<std::string> cert;
    Setting<std::string> key;
    Setting<std::string> sni;
    Setting<bool> insecure{false, {}};
};

struct ConnectionSettings {
    Setting<std::string> host{"127.0.0.1", {}};
    Setting<int> port{6379, {}};
    Setting<std::string> unix_path; // non-empty: connect over this unix socket instead of TCP
    Setting<int> db{0, {}};
    Setting<std::string> user;     // ACL user; empty = "default"
    Setting<std::string> password; // secret: never printed
    TlsSettings tls;
    Setting<bool> cluster{false, {}};
    Setting<std::vector<std::string>> sentinels; // "host:port"
    Setting<std::string> master;                 // sentinel master name
    Setting<std::string> sentinel_password;
    Setting<Millis> connect_timeout{Millis{2000}, {}};
    Setting<Millis> command_timeout{Millis{5000}, {}};
};

// One template per data kind; placeholders allowed per kind are fixed (see key_template.h).
struct KeyTemplates {
    Setting<KeyTemplate> token;      // {provider} {tenant}
    Setting<KeyTemplate> lock;       // {name}
    Setting<KeyTemplate> dedupe;     // {tenant} {id}
    Setting<KeyTemplate> ratelimit;  // {resource} {subject}
    Setting<KeyTemplate> session;    // {id}
    Setting<KeyTemplate> user_index; // {user}
    Setting<KeyTemplate> lock_fence; // {name}: the fencing counter of `lock acquire/run --fence`
};

// The template setting of a kind by name ("token", ..., "user_index"); std::out_of_range for others.
Setting<KeyTemplate>& key_template_setting(KeyTemplates& keys, std::string_view kind);
const Setting<KeyTemplate>& key_template_setting(const KeyTemplates& keys, std::string_view kind);

struct Defaults {
    Setting<long long> token_safety_buffer_s{300, {}};
    Setting<Millis> lock_ttl{Millis{30'000}, {}};
    Setting<long long> dedupe_ttl_s{86'400, {}};
    Setting<Millis> session_ttl{Millis{24LL * 3600 * 1000}, {}};
    Setting<Millis> session_remember_ttl{Millis{90LL * 24 * 3600 * 1000}, {}};
    Setting<long long> degraded_limit{10, {}};
    Setting<Millis> degraded_window{Millis{60'000}, {}};
    Setting<long long> scan_count{1000, {}};
    Setting<long long> max_reply_bytes{512LL * 1024 * 1024, {}}; // a larger single reply is an error (exit 4)
};

struct Settings {
    ConnectionSettings connection;
    KeyTemplates keys;
    Defaults defaults;
    Setting<std::string> profile;      // empty: no profile
    Setting<std::string> config_file;  // empty: none was read
    std::vector<std::string> warnings; // e.g. "password given on the command line is visible to other users"
};

} // namespace redops::config
