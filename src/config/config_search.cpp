#include "config/config_file.h"

#include "common/error.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace redops::config::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

[[noreturn]] void file_fail(const std::string& path, std::string_view why)
{
    throw Error(ErrorKind::config, fmt::format("config file \"{}\": {}", path, why));
}

std::string strip_echo(std::string message)
{
    // nlohmann quotes the text it last read; that text may be a password.
    auto start = message.find("; last read: '");
    if (start != std::string::npos) {
        auto expected = message.rfind("'; expected ");
        message.erase(start,
                      expected != std::string::npos && expected > start ? expected + 1 - start : std::string::npos);
    }
    auto detail = message.find("column ");
    if (detail != std::string::npos && (detail = message.find(": ", detail)) != std::string::npos) {
        return message.substr(detail + 2);
    }
    return message;
}

bool is_file(const std::string& path)
{
    std::error_code ec;
    return fs::exists(fs::status(path, ec));
}

} // namespace

std::optional<ConfigFileChoice> choose_config_file(const FlagValues& flags, const EnvLookup& env,
                                                   const std::string& system_path)
{
    std::optional<ConfigFileChoice> explicit_choice;
    if (flags.config_file) {
        explicit_choice = ConfigFileChoice{*flags.config_file, {Source::flag, "--config"}};
    } else if (auto named = env("REDOPS_CONFIG"); named && !named->empty()) {
        explicit_choice = ConfigFileChoice{*named, {Source::env, "REDOPS_CONFIG"}};
    }
    if (explicit_choice) {
        if (!is_file(explicit_choice->path)) {
            throw Error(ErrorKind::config, fmt::format("config file \"{}\" (from {}) does not exist",
                                                       explicit_choice->path, describe(explicit_choice->origin)));
        }
        return explicit_choice;
    }
    std::string xdg = env("XDG_CONFIG_HOME").value_or("");
    if (xdg.empty() || fs::path(xdg).is_relative()) {
        // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
        auto home = env("HOME");
        xdg = home && !home->empty() ? *home + "/.config" : "";
    }
    if (!xdg.empty() && is_file(xdg + "/redops/config.json")) {
        return ConfigFileChoice{xdg + "/redops/config.json", {Source::default_value, "search path"}};
    }
    if (is_file(system_path)) {
        return ConfigFileChoice{system_path, {Source::default_value, "search path"}};
    }
    return std::nullopt;
}

json read_config_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        file_fail(path, "cannot be read");
    }
    try {
        return json::parse(text.str(), nullptr, true, true);
    } catch (const json::parse_error& error) {
        std::string content = text.str();
        auto end = std::min<std::size_t>(error.byte, content.size());
        auto line = 1 + std::count(content.begin(),
                                   content.begin() + static_cast<std::ptrdiff_t>(end > 0 ? end - 1 : 0), '\n');
        file_fail(path, fmt::format("invalid JSON at line {}: {}", line, strip_echo(error.what())));
    } catch (const json::exception&) {
        // nlohmann reports a number past a double's range (1e400) as out_of_range, quoting it; no position is known.
        file_fail(path, "invalid JSON: a number is out of range (larger than any setting accepts)");
    }
}

} // namespace redops::config::detail
