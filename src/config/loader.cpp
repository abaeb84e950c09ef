#include "config/loader.h"

#include "common/error.h"
#include "config/config_file.h"
#include "config/load_state.h"
#include "config/setting_table.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

namespace redops::config {
namespace {

using detail::LoadState;
using detail::PasswordSource;

constexpr std::string_view k_command_line_password_warning =
    "a password on the command line is visible to other users; use --askpass, --password-file or REDIS_PASSWORD";
constexpr std::string_view k_insecure_warning =
    "TLS certificate verification is disabled (insecure); the connection can be intercepted";

void warn_once(Settings& settings, std::string_view warning)
{
    if (std::find(settings.warnings.begin(), settings.warnings.end(), warning) == settings.warnings.end()) {
        settings.warnings.emplace_back(warning);
    }
}

void init_key_templates(KeyTemplates& keys)
{
    for (const auto& kind : key_kinds()) {
        key_template_setting(keys, kind.name).value = default_key_template(kind.name);
    }
}

// --profile, else REDOPS_PROFILE, else the file's default_profile; must name a profile of the file.
std::string choose_profile(const FlagValues& flags, const EnvLookup& env, const nlohmann::json& doc,
                           const std::string& path, const std::vector<std::string>& available,
                           Setting<std::string>& chosen)
{
    if (flags.profile) {
        chosen = {*flags.profile, {Source::flag, "--profile"}};
    } else if (auto named = env("REDOPS_PROFILE"); named && !named->empty()) {
        chosen = {*named, {Source::env, "REDOPS_PROFILE"}};
    } else if (doc.is_object() && doc.contains("default_profile")) {
        chosen = {doc.at("default_profile").get<std::string>(), {Source::file, path}};
    }
    const std::string& name = chosen.value;
    if (name.empty()) {
        return name;
    }
    if (path.empty()) {
        throw Error(ErrorKind::config, fmt::format("profile \"{}\" (from {}) needs a config file, but none was found",
                                                   name, describe(chosen.origin)));
    }
    if (std::find(available.begin(), available.end(), name) == available.end()) {
        throw Error(ErrorKind::config,
                    fmt::format("no profile \"{}\" (from {}) in config file \"{}\" (available: {})", name,
                                describe(chosen.origin), path,
                                available.empty() ? "none" : fmt::format("{}", fmt::join(available, ", "))));
    }
    return name;
}

void apply_env(const EnvLookup& env, LoadState& state)
{
    auto get = [&](const std::string& name) {
        auto value = env(name);
        // An empty variable counts as unset, as shells make "unsetting" by assignment common.
        return value && !value->empty() ? value : std::nullopt;
    };
    if (auto url = get("REDIS_URL")) {
        detail::apply_url(*url, {Source::env, "REDIS_URL"}, "REDIS_URL", state);
    }
    if (auto host = get("REDIS_HOST")) {
        detail::set_host(state, *host, {Source::env, "REDIS_HOST"}, "REDIS_HOST");
    }
    if (auto port = get("REDIS_PORT")) {
        auto number = detail::parse_integer(*port);
        if (!number) {
            throw Error(ErrorKind::config, fmt::format("REDIS_PORT: \"{}\" is not a port number (1-65535)", *port));
        }
        detail::set_port(state, *number, {Source::env, "REDIS_PORT"}, "REDIS_PORT");
    }
    if (auto db = get("REDIS_DB")) {
        auto number = detail::parse_integer(*db);
        if (!number) {
            throw Error(ErrorKind::config, fmt::format("REDIS_DB: \"{}\" is not a non-negative number", *db));
        }
        detail::set_db(state, *number, {Source::env, "REDIS_DB"}, "REDIS_DB");
    }
    // REDIS_PASSWORD wins over redis-cli's REDISCLI_AUTH: applied last.
    for (const char* name : {"REDISCLI_AUTH", "REDIS_PASSWORD"}) {
        if (auto password = get(name)) {
            state.password = {PasswordSource::Kind::literal, *password, {Source::env, name}};
        }
    }
}

void apply_password_flags(const FlagValues& flags, LoadState& state)
{
    int given = (flags.password ? 1 : 0) + (flags.password_file ? 1 : 0) + (flags.askpass ? 1 : 0);
    if (given > 1) {
        throw Error(ErrorKind::usage, "--password, --password-file and --askpass are mutually exclusive");
    }
    if (flags.password) {
        state.password = {PasswordSource::Kind::literal, *flags.password, {Source::flag, "--password"}};
        warn_once(state.settings, k_command_line_password_warning);
    } else if (flags.password_file) {
        state.password = {PasswordSource::Kind::file, *flags.password_file, {Source::flag, "--password-file"}};
    } else if (flags.askpass) {
        state.password = {PasswordSource::Kind::prompt, {}, {Source::flag, "--askpass"}};
    }
}

// A flag the table says how to apply: its text (a duration checked against the row's range) or a switch.
void apply_table_flag(const FlagValues& flags, const SettingRow& row, Settings& settings)
{
    const Origin origin{Source::flag, std::string(long_flag(row))};
    if (const auto* text = std::get_if<std::optional<std::string> FlagValues::*>(&row.flag_value);
        text && flags.**text) {
        const std::string& given = *(flags.**text);
        if (row.type == SettingType::duration) {
            set_row(row, settings, detail::ranged_duration(given, origin.detail, std::get<DurationRange>(row.range)),
                    origin);
        } else {
            set_row(row, settings, given, origin);
        }
    } else if (const auto* on = std::get_if<bool FlagValues::*>(&row.flag_value); on && flags.**on) {
        set_row(row, settings, true, origin);
    }
}

void apply_flags(const FlagValues& flags, LoadState& state)
{
    auto& connection = state.settings.connection;
    auto flag = [](const char* name) { return Origin{Source::flag, name}; };
    if (flags.url) {
        detail::apply_url(*flags.url, flag("--url"), "--url", state);
        if (state.password.kind == PasswordSource::Kind::literal && state.password.origin.source == Source::flag) {
            warn_once(state.settings, k_command_line_password_warning);
        }
    }
    if (flags.host) {
        detail::set_host(state, *flags.host, flag("--host"), "--host");
    }
    if (flags.port) {
        detail::set_port(state, *flags.port, flag("--port"), "--port");
    }
    if (flags.db) {
        detail::set_db(state, *flags.db, flag("--db"), "--db");
    }
    apply_password_flags(flags, state);
    if (!flags.sentinels.empty()) {
        std::vector<std::string> sentinels;
        for (const auto& sentinel : flags.sentinels) {
            sentinels.push_back(detail::checked_sentinel(sentinel, "--sentinel"));
        }
        detail::set(connection.sentinels, std::move(sentinels), flag("--sentinel"));
    }
    if (flags.max_reply_bytes) {
        if (*flags.max_reply_bytes < 1024) {
            throw Error(ErrorKind::usage,
                        fmt::format("--max-reply-bytes {} is below the minimum of 1024", *flags.max_reply_bytes));
        }
        detail::set(state.settings.defaults.max_reply_bytes, *flags.max_reply_bytes, flag("--max-reply-bytes"));
    }
    for (const auto& row : setting_table()) {
        apply_table_flag(flags, row, state.settings);
    }
}

std::string read_password_file(const std::string& path, const Origin& origin)
{
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!in || (!std::getline(in, line) && in.bad())) {
        // A path that names no file is a configuration error; a file that cannot be read, a local failure.
        throw file_error(fmt::format("cannot read password file \"{}\" (from {})", path, describe(origin)),
                         errno != 0 ? errno : EIO, ErrorKind::config);
    }
    if (in.fail() && line.empty()) {
        throw Error(ErrorKind::config, fmt::format("password file \"{}\" (from {}) is empty", path, describe(origin)));
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    if (line.empty()) {
        throw Error(ErrorKind::config,
                    fmt::format("password file \"{}\" (from {}) starts with an empty line", path, describe(origin)));
    }
    return line;
}

void resolve_password(LoadState& state, const PasswordPrompt& prompt)
{
    auto& source = state.password;
    auto& connection = state.settings.connection;
    switch (source.kind) {
    case PasswordSource::Kind::none: return;
    case PasswordSource::Kind::literal: detail::set(connection.password, source.value, source.origin); return;
    case PasswordSource::Kind::file:
        detail::set(connection.password, read_password_file(source.value, source.origin), source.origin);
        return;
    case PasswordSource::Kind::prompt:
        if (!prompt) {
            throw Error(ErrorKind::usage, "--askpass needs an interactive terminal");
        }
        std::string target = connection.unix_path.value.empty()
                                 ? fmt::format("{}:{}", connection.host.value, connection.port.value)
                                 : connection.unix_path.value;
        detail::set(connection.password, prompt(fmt::format("Redis password for {}: ", target)), source.origin);
        return;
    }
}

// Contradictions are usage errors when a flag takes part, config errors when only files/env do.
void check_combination(bool contradictory, const Origin& a, const Origin& b, std::string_view what)
{
    if (!contradictory) {
        return;
    }
    bool by_flag = a.source == Source::flag || b.source == Source::flag;
    std::vector<std::string> sources;
    for (const Origin* origin : {&a, &b}) {
        if (origin->source != Source::default_value) {
            sources.push_back(describe(*origin));
        }
    }
    throw Error(by_flag ? ErrorKind::usage : ErrorKind::config,
                fmt::format("{} (set by {})", what, fmt::join(sources, " and ")));
}

// The TLS files are named by the operator, so a missing one is a usage (flag) or config (file) error naming
// the option and the path, found before connecting rather than as an OpenSSL message.
void check_tls_files(const Settings& settings)
{
    const TlsSettings& tls = settings.connection.tls;
    for (const auto& row : setting_table()) {
        if (row.type != SettingType::path && row.type != SettingType::directory) {
            continue;
        }
        if (row.field == nullptr || row.name.rfind("connection.tls.", 0) != 0) {
            continue;
        }
        const auto& setting = *std::get<const Setting<std::string>*>(read_row(row, settings));
        if (setting.value.empty()) {
            continue;
        }
        const bool directory = row.type == SettingType::directory;
        std::error_code ec;
        auto status = std::filesystem::status(setting.value, ec);
        bool fits = directory ? std::filesystem::is_directory(status) : std::filesystem::is_regular_file(status);
        if (!fits) {
            bool exists = std::filesystem::exists(status);
            throw Error(setting.origin.source == Source::flag ? ErrorKind::usage : ErrorKind::config,
                        fmt::format("{} \"{}\" (from {}) {}", long_flag(row), setting.value, describe(setting.origin),
                                    !exists     ? "does not exist"
                                    : directory ? "is not a directory"
                                                : "is not a regular file"));
        }
    }
    check_combination(!tls.cert.value.empty() && tls.key.value.empty(), tls.cert.origin, tls.key.origin,
                      "a client certificate (--cert) needs its private key (--key)");
    check_combination(tls.cert.value.empty() && !tls.key.value.empty(), tls.key.origin, tls.cert.origin,
                      "a private key (--key) needs its client certificate (--cert)");
}

void check_consistency(detail::LoadState& state)
{
    Settings& settings = state.settings;
    const auto& c = settings.connection;
    check_combination(!c.sentinels.value.empty() && c.master.value.empty(), c.sentinels.origin, c.master.origin,
                      "sentinels need the name of the master they monitor (--master NAME)");
    check_combination(c.sentinels.value.empty() && !c.master.value.empty(), c.master.origin, c.sentinels.origin,
                      "a master name only applies together with sentinels (--sentinel HOST:PORT)");
    check_combination(!c.sentinels.value.empty() && c.cluster.value, c.sentinels.origin, c.cluster.origin,
                      "sentinels and cluster mode cannot be combined");
    check_combination(!c.unix_path.value.empty() && c.tls.enabled.value, c.unix_path.origin, c.tls.enabled.origin,
                      "TLS cannot be used over a unix socket");
    check_combination(c.cluster.value && c.db.value != 0, c.db.origin, c.cluster.origin,
                      fmt::format("db {} with cluster mode: a Redis Cluster has only database 0", c.db.value));
    check_combination(c.db.value >= state.databases.value, c.db.origin, state.databases.origin,
                      fmt::format("db {} is out of range (0-{}): {} databases{}", c.db.value, state.databases.value - 1,
                                  state.databases.value,
                                  state.databases.origin.source == Source::default_value
                                      ? " by default; set \"databases\" in the config file if the server has more"
                                      : ""));
    check_tls_files(settings);
    if (c.tls.insecure.value) {
        warn_once(settings, k_insecure_warning);
    }
}

} // namespace

EnvLookup process_environment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

Settings load_settings(const FlagValues& flags, const EnvLookup& env, const PasswordPrompt& prompt)
{
    return load_settings(flags, env, prompt, std::string(k_system_config_path));
}

Settings load_settings(const FlagValues& flags, const EnvLookup& env, const PasswordPrompt& prompt,
                       const std::string& system_config_path)
{
    LoadState state;
    init_key_templates(state.settings.keys);
    nlohmann::json doc;
    std::vector<std::string> profiles;
    std::string path;
    if (auto choice = detail::choose_config_file(flags, env, system_config_path)) {
        path = choice->path;
        state.settings.config_file = {path, choice->origin};
        doc = detail::read_config_file(path);
        profiles = detail::validate_config_file(doc, path);
    }
    std::string profile = choose_profile(flags, env, doc, path, profiles, state.settings.profile);
    if (!path.empty()) {
        detail::apply_config_file(doc, path, profile, state);
    }
    apply_env(env, state);
    apply_flags(flags, state);
    resolve_password(state, prompt);
    check_consistency(state);
    return std::move(state.settings);
}

std::vector<std::string> list_profiles(const FlagValues& flags, const EnvLookup& env,
                                       const std::string& system_config_path)
{
    auto choice = detail::choose_config_file(flags, env, system_config_path);
    if (!choice) {
        return {};
    }
    return detail::validate_config_file(detail::read_config_file(choice->path), choice->path);
}

} // namespace redops::config
