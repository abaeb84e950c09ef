#include "cli/secret_mask.h"

#include "config/url.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace redops::cli {
namespace {

constexpr std::string_view k_mask = "***";

struct SecretOption {
    std::string_view long_name;  // "--password"
    std::string_view short_name; // "-a", or empty
    bool is_url;
    bool attached_only; // a flag: only "--askpass=typed-by-mistake" gives it a value (which CLI11 would echo)
};
constexpr std::array<SecretOption, 4> k_secret_options{{{"--password", "-a", false, false},
                                                        {"--token", "", false, false},
                                                        {"--url", "-u", true, false},
                                                        {"--askpass", "", false, true}}};

// The value `arg` gives to `option` in its attached forms (--password=X, -aX); nullopt when it is not one.
std::optional<std::string_view> attached_value(std::string_view arg, const SecretOption& option)
{
    if (arg.size() > option.long_name.size() && arg.substr(0, option.long_name.size()) == option.long_name &&
        arg[option.long_name.size()] == '=') {
        return arg.substr(option.long_name.size() + 1);
    }
    if (!option.short_name.empty() && arg.size() > 2 && arg.substr(0, 2) == option.short_name) {
        return arg.substr(2);
    }
    return std::nullopt;
}

} // namespace

SecretMask::SecretMask(int argc, const char* const* argv, const config::EnvLookup& env)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            break; // lock run's command: its arguments are its own
        }
        for (const auto& option : k_secret_options) {
            std::optional<std::string_view> value = attached_value(arg, option);
            if (!value && !option.attached_only &&
                (arg == option.long_name || (!option.short_name.empty() && arg == option.short_name)) && i + 1 < argc) {
                value = argv[i + 1];
            }
            if (value) {
                option.is_url ? add_url(std::string(*value)) : add_secret(std::string(*value));
            }
        }
    }
    for (const char* name : {"REDIS_PASSWORD", "REDISCLI_AUTH"}) {
        if (auto value = env(name)) {
            add_secret(*value);
        }
    }
    if (auto url = env("REDIS_URL")) {
        add_url(*url);
    }
}

void SecretMask::add_secret(const std::string& secret)
{
    if (secret.size() >= k_min_secret) {
        m_replacements.emplace_back(secret, std::string(k_mask));
    }
}

void SecretMask::add_url(const std::string& url)
{
    std::string redacted = config::redact_url(url);
    if (redacted != url) {
        m_replacements.emplace_back(url, redacted);
    }
    for (const auto& raw : config::url_secrets(url)) {
        add_secret(raw); // as written, percent-escapes and all: also when the URL does not parse
    }
    try {
        if (auto password = config::parse_redis_url(url).password) {
            add_secret(*password);
        }
    } catch (const std::exception&) {
        // not a valid URL: its redacted form above is all that can be masked
    }
}

std::string SecretMask::apply(std::string text) const
{
    // Longest first, so a URL is replaced whole before a password inside it would be.
    auto ordered = m_replacements;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    for (const auto& [needle, replacement] : ordered) {
        for (auto pos = text.find(needle); pos != std::string::npos;
             pos = text.find(needle, pos + replacement.size())) {
            text.replace(pos, needle.size(), replacement);
        }
    }
    return text;
}

} // namespace redops::cli
