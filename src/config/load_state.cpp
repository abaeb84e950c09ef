#include "config/load_state.h"

#include "common/error.h"
#include "config/duration.h"
#include "config/url.h"

#include <charconv>
#include <fmt/format.h>

namespace redops::config::detail {
namespace {

[[noreturn]] void fail(std::string_view context, std::string_view why)
{
    throw Error(ErrorKind::config, fmt::format("{}: {}", context, why));
}

// A host or a port given at the level that chose a unix socket: one of the two is a mistake.
void refuse_beside_socket(const LoadState& state, const Origin& origin, std::string_view context, std::string_view what)
{
    const auto& socket = state.settings.connection.unix_path;
    if (socket.value.empty() || !same_level(socket.origin, origin)) {
        return;
    }
    throw Error(origin.source == Source::flag ? ErrorKind::usage : ErrorKind::config,
                fmt::format("{} contradicts the unix socket URL of {}: a unix socket has no {}; give one of them",
                            context, describe(socket.origin), what));
}

} // namespace

bool same_level(const Origin& a, const Origin& b)
{
    // A file has two levels: its top level and the selected profile, told apart by the detail.
    return a.source == b.source && (a.source != Source::file || a.detail == b.detail);
}

void apply_url(std::string_view url, const Origin& origin, std::string_view context, LoadState& state)
{
    RedisUrl parsed;
    try {
        parsed = parse_redis_url(url);
    } catch (const Error& error) {
        fail(context, error.what());
    }
    auto& connection = state.settings.connection;
    if (parsed.scheme == RedisUrl::Scheme::unix_socket) {
        set(connection.unix_path, parsed.path, origin);
        set(connection.tls.enabled, false, origin);
    } else {
        set(connection.host, parsed.host, origin);
        set(connection.port, parsed.port, origin);
        set(connection.unix_path, std::string{}, origin);
        set(connection.tls.enabled, parsed.scheme == RedisUrl::Scheme::tls, origin);
    }
    if (parsed.db) {
        set(connection.db, *parsed.db, origin);
    }
    if (parsed.user) {
        set(connection.user, *parsed.user, origin);
    }
    if (parsed.password) {
        state.password = {PasswordSource::Kind::literal, *parsed.password, origin};
    }
}

void set_host(LoadState& state, std::string host, const Origin& origin, std::string_view context)
{
    if (host.empty()) {
        fail(context, "empty host");
    }
    refuse_beside_socket(state, origin, context, "host");
    auto& connection = state.settings.connection;
    set(connection.host, std::move(host), origin);
    if (!connection.unix_path.value.empty() && !same_level(connection.unix_path.origin, origin)) {
        set(connection.unix_path, std::string{}, origin);
    }
}

void set_port(LoadState& state, long long port, const Origin& origin, std::string_view context)
{
    if (std::string why = out_of_range(port, k_port_range); !why.empty()) {
        fail(context, fmt::format("port {}", why));
    }
    refuse_beside_socket(state, origin, context, "port");
    auto& connection = state.settings.connection;
    set(connection.port, static_cast<int>(port), origin);
    if (!connection.unix_path.value.empty() && !same_level(connection.unix_path.origin, origin)) {
        set(connection.unix_path, std::string{}, origin);
    }
}

void set_db(LoadState& state, long long db, const Origin& origin, std::string_view context)
{
    // The upper bound depends on the file's "databases" and is checked once every level is applied.
    if (db < 0 || db >= k_databases_range.max) {
        fail(context, fmt::format("db {} is out of range (0-{})", db, k_databases_range.max - 1));
    }
    set(state.settings.connection.db, static_cast<int>(db), origin);
}

std::optional<long long> parse_integer(std::string_view text)
{
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::string checked_sentinel(std::string_view text, std::string_view context)
{
    auto colon = text.rfind(':');
    auto host = colon == std::string_view::npos ? std::string_view{} : text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    auto port = colon == std::string_view::npos ? std::nullopt : parse_integer(text.substr(colon + 1));
    if (host.empty() || !port || *port < 1 || *port > 65535) {
        fail(context, fmt::format("invalid sentinel address \"{}\" (use HOST:PORT)", text));
    }
    return std::string(text);
}

Millis ranged_duration(std::string_view text, std::string_view context, DurationRange range)
{
    return checked_duration(context, text, range, ErrorKind::config);
}

} // namespace redops::config::detail
