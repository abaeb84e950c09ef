#include "config/url.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <utility>
#include <vector>

namespace redops::config {
namespace {

constexpr std::string_view k_schemes_hint = "use redis://, rediss:// or unix://";
constexpr std::array<std::string_view, 3> k_query_keys{"db", "user", "password"};
constexpr std::string_view k_mask = "***";

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
}

bool starts_with_known_key(std::string_view text)
{
    return std::any_of(k_query_keys.begin(), k_query_keys.end(), [&](std::string_view key) {
        return text.size() > key.size() && text.substr(0, key.size()) == key && text[key.size()] == '=';
    });
}

// Query parameters split on '&', except that a password value runs on until the next '&' that starts
// a known key: a raw '&' in a password must stay in the password (and stay masked).
std::vector<std::string_view> split_query(std::string_view query)
{
    std::vector<std::string_view> params;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        bool is_password = query.substr(start, 9) == "password=";
        while (is_password && end != std::string_view::npos && !starts_with_known_key(query.substr(end + 1))) {
            end = query.find('&', end + 1);
        }
        params.push_back(query.substr(start, end == std::string_view::npos ? query.size() - start : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return params;
}

// Where the userinfo ends: the last '@' after "://", so a raw '@' or '/' in a password stays in it.
std::size_t authority_start(std::string_view text)
{
    auto slashes = text.find("://");
    return slashes == std::string_view::npos ? 0 : slashes + 3;
}

using Range = std::pair<std::size_t, std::size_t>;

// Every byte range that parse_redis_url could read as a password; redaction masks a superset of them.
std::vector<Range> secret_ranges(std::string_view text)
{
    std::vector<Range> ranges;
    // Every scheme, unix:// included: a URL that is refused for its userinfo must not print the password in it.
    std::size_t base = authority_start(text);
    auto at = text.rfind('@');
    if (at != std::string_view::npos && at >= base) {
        auto colon = text.find(':', base);
        if (colon != std::string_view::npos && colon < at && colon + 1 < at) {
            ranges.emplace_back(colon + 1, at);
        }
    }
    // Any "password=" anywhere, not only in a well-formed query: a malformed URL must not leak either.
    for (auto pos = text.find("password="); pos != std::string_view::npos; pos = text.find("password=", pos + 1)) {
        auto value = pos + 9;
        auto params = split_query(text.substr(pos));
        auto end = value + (params.front().size() - 9);
        if (end > value) {
            ranges.emplace_back(value, end);
        }
    }
    return ranges;
}

[[noreturn]] void fail(std::string_view text, std::string_view why)
{
    throw Error(ErrorKind::config, fmt::format("invalid Redis URL \"{}\": {}", redact_url(text), why));
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string percent_decode(std::string_view url, std::string_view part, std::string_view what)
{
    std::string out;
    out.reserve(part.size());
    for (std::size_t i = 0; i < part.size(); ++i) {
        if (part[i] != '%') {
            out += part[i];
            continue;
        }
        if (i + 2 >= part.size()) {
            fail(url, fmt::format("bad percent escape in the {} (expected %XX)", what));
        }
        int high = hex_value(part[i + 1]);
        int low = hex_value(part[i + 2]);
        if (high < 0 || low < 0) {
            fail(url, fmt::format("bad percent escape in the {} (expected %XX)", what));
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::optional<long long> parse_digits(std::string_view text)
{
    if (text.empty() || text.size() > 10 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    long long value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

int parse_port(std::string_view url, std::string_view text)
{
    if (text.empty()) {
        fail(url, "empty port after ':'");
    }
    auto value = parse_digits(text);
    if (!value) {
        fail(url, fmt::format("port \"{}\" is not a number", text));
    }
    if (*value < 1 || *value > 65535) {
        fail(url, fmt::format("port {} is out of range (1-65535)", *value));
    }
    return static_cast<int>(*value);
}

int parse_db(std::string_view url, std::string_view text)
{
    auto value = parse_digits(text);
    if (!value || *value > 2'147'483'647) {
        fail(url, fmt::format("db \"{}\" is not a non-negative number", text));
    }
    return static_cast<int>(*value);
}

void set_once(std::string_view url, std::optional<std::string>& field, std::string value, std::string_view what)
{
    if (field) {
        fail(url, fmt::format("the {} is given twice", what));
    }
    if (!value.empty()) {
        field = std::move(value);
    }
}

void apply_query(std::string_view url, std::string_view query, RedisUrl& out)
{
    for (auto param : split_query(query)) {
        auto eq = param.find('=');
        auto key = param.substr(0, eq);
        if (eq == std::string_view::npos ||
            std::find(k_query_keys.begin(), k_query_keys.end(), key) == k_query_keys.end()) {
            fail(url, fmt::format("unknown query parameter \"{}\" (known: db, user, password)", key));
        }
        auto value = param.substr(eq + 1);
        if (key == "db") {
            if (out.db) {
                fail(url, "the db is given twice");
            }
            out.db = parse_db(url, value);
        } else if (key == "user") {
            set_once(url, out.user, percent_decode(url, value, "user"), "user");
        } else {
            set_once(url, out.password, percent_decode(url, value, "password"), "password");
        }
    }
}

bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

// host[:port][/db] after the userinfo; IPv6 literals in brackets.
void parse_host_part(std::string_view url, std::string_view part, RedisUrl& out)
{
    std::string_view after;
    if (!part.empty() && part.front() == '[') {
        auto close = part.find(']');
        if (close == std::string_view::npos) {
            fail(url, "unterminated '[' in the IPv6 address");
        }
        auto host = part.substr(1, close - 1);
        bool valid = host.find(':') != std::string_view::npos && std::all_of(host.begin(), host.end(), [](char c) {
                         return hex_value(c) >= 0 || c == ':' || c == '.' || c == '%' || is_host_char(c);
                     });
        if (!valid) {
            fail(url, fmt::format("invalid IPv6 address \"{}\"", host));
        }
        out.host = std::string(host);
        after = part.substr(close + 1);
    } else {
        auto end = part.find_first_of(":/");
        auto host = part.substr(0, end);
        if (host.empty()) {
            fail(url, "empty host");
        }
        if (!std::all_of(host.begin(), host.end(), is_host_char)) {
            fail(url, fmt::format("invalid host \"{}\"", host));
        }
        out.host = std::string(host);
        after = end == std::string_view::npos ? std::string_view{} : part.substr(end);
    }
    if (!after.empty() && after.front() == ':') {
        auto slash = after.find('/');
        out.port = parse_port(url,
                              after.substr(1, slash == std::string_view::npos ? std::string_view::npos : slash - 1));
        after = slash == std::string_view::npos ? std::string_view{} : after.substr(slash);
    }
    if (!after.empty() && after.front() == '/') {
        auto db = after.substr(1);
        if (!db.empty()) {
            out.db = parse_db(url, db);
        }
        after = {};
    }
    if (!after.empty()) {
        fail(url, fmt::format("unexpected \"{}\" after the host", after));
    }
}

void parse_userinfo(std::string_view url, std::string_view userinfo, RedisUrl& out)
{
    auto colon = userinfo.find(':');
    auto user = userinfo.substr(0, colon);
    // A '/' or '?' here means the '@' belonged to a later part (a query value), not to a userinfo.
    if (user.find_first_of("/?#") != std::string_view::npos) {
        fail(url, "malformed user name (percent-encode special characters)");
    }
    if (!user.empty()) {
        out.user = percent_decode(url, user, "user");
    }
    if (colon != std::string_view::npos && colon + 1 < userinfo.size()) {
        out.password = percent_decode(url, userinfo.substr(colon + 1), "password");
    }
}

RedisUrl parse_tcp(std::string_view url, std::string_view rest, RedisUrl out)
{
    auto at = rest.rfind('@');
    std::string_view hostpart = rest;
    std::string_view userinfo;
    if (at != std::string_view::npos) {
        userinfo = rest.substr(0, at);
        hostpart = rest.substr(at + 1);
        parse_userinfo(url, userinfo, out);
    }
    auto question = hostpart.find('?');
    parse_host_part(url, hostpart.substr(0, question), out);
    if (question != std::string_view::npos) {
        apply_query(url, hostpart.substr(question + 1), out);
    }
    return out;
}

RedisUrl parse_unix(std::string_view url, std::string_view rest)
{
    RedisUrl out;
    out.scheme = RedisUrl::Scheme::unix_socket;
    if (rest.substr(0, 2) == "//") {
        rest.remove_prefix(2);
        if (rest.empty() || rest.front() != '/') {
            fail(url, "a unix URL names no host (use unix:///path/to/redis.sock)");
        }
    }
    if (rest.empty() || rest.front() != '/') {
        fail(url, "the socket path must be absolute (use unix:///path/to/redis.sock)");
    }
    auto question = rest.find('?');
    out.path = percent_decode(url, rest.substr(0, question), "path");
    if (out.path.size() < 2 || out.path.back() == '/') {
        fail(url, "missing socket file name");
    }
    if (question != std::string_view::npos) {
        apply_query(url, rest.substr(question + 1), out);
    }
    return out;
}

} // namespace

RedisUrl parse_redis_url(std::string_view text)
{
    if (text.empty()) {
        fail(text, fmt::format("empty ({})", k_schemes_hint));
    }
    auto colon = text.find(':');
    auto scheme = lower(text.substr(0, colon == std::string_view::npos ? 0 : colon));
    if (colon == std::string_view::npos || scheme.empty()) {
        fail(text, fmt::format("missing scheme ({})", k_schemes_hint));
    }
    auto rest = text.substr(colon + 1);
    if (scheme == "unix") {
        return parse_unix(text, rest);
    }
    RedisUrl out;
    if (scheme == "rediss") {
        out.scheme = RedisUrl::Scheme::tls;
    } else if (scheme != "redis") {
        fail(text, fmt::format("unknown scheme \"{}\" ({})", scheme, k_schemes_hint));
    }
    if (rest.substr(0, 2) != "//") {
        fail(text, fmt::format("expected \"//\" after \"{}:\"", scheme));
    }
    return parse_tcp(text, rest.substr(2), std::move(out));
}

std::vector<std::string> url_secrets(std::string_view text)
{
    std::vector<std::string> secrets;
    for (const auto& [begin, end] : secret_ranges(text)) {
        secrets.emplace_back(text.substr(begin, end - begin));
    }
    return secrets;
}

std::string redact_url(std::string_view text)
{
    auto ranges = secret_ranges(text);
    std::sort(ranges.begin(), ranges.end());
    std::string out;
    std::size_t pos = 0;
    for (const auto& [begin, end] : ranges) {
        if (end <= pos) {
            continue;
        }
        if (begin >= pos) {
            out.append(text.substr(pos, begin - pos));
            out.append(k_mask);
        }
        pos = end;
    }
    out.append(text.substr(pos));
    return out;
}

} // namespace redops::config
