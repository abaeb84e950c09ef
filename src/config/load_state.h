// Internal to the loader: the settings being built level by level, and the setters every level shares.
#pragma once

#include "config/limits.h"
#include "config/settings.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace redops::config::detail {

// The winning password is read only after every level was applied, so a password file or a prompt
// that a higher level overrides is never touched.
struct PasswordSource {
    enum class Kind { none, literal, file, prompt };
    Kind kind = Kind::none;
    std::string value; // the password (literal) or the file path (file)
    Origin origin;
};

struct LoadState {
    Settings settings;
    PasswordSource password;
    Setting<long long> databases{k_default_databases, {}}; // the file's "databases": how many the server has
};

template <class T, class V>
void set(Setting<T>& setting, V&& value, const Origin& origin)
{
    setting.value = std::forward<V>(value);
    setting.origin = origin;
}

// Two origins are one precedence level when a URL and a field of that level may both have set a value.
bool same_level(const Origin& a, const Origin& b);

// A URL supplies transport (tcp/tls/unix), host and port always; db, user and password when it has them.
// `context` prefixes the error message ("--url", "REDIS_URL", "config file ...: url").
void apply_url(std::string_view url, const Origin& origin, std::string_view context, LoadState& state);

// An explicit host or port above the level that chose a unix socket means TCP again; at the same level it
// contradicts the socket (Error usage for flags, config otherwise).
void set_host(LoadState& state, std::string host, const Origin& origin, std::string_view context);
void set_port(LoadState& state, long long port, const Origin& origin, std::string_view context);
void set_db(LoadState& state, long long db, const Origin& origin, std::string_view context);

// Strict whole-string integer; nullopt on anything else.
std::optional<long long> parse_integer(std::string_view text);

// "host:port" or "[v6]:port"; Error(config) otherwise.
std::string checked_sentinel(std::string_view text, std::string_view context);

// A duration inside `range`; Error(config) prefixed with context.
Millis ranged_duration(std::string_view text, std::string_view context, DurationRange range);

} // namespace redops::config::detail
