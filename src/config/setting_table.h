// The one table of settings, after ccache's config.cpp: one row per setting drives the loader (flags, config-file
// keys), `config show` (table and JSON), the TLS file checks and the global flags' help.
#pragma once

#include "config/limits.h"
#include "config/loader.h"
#include "config/settings.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace redops::config {

// How a value is read (flag text, JSON) and shown. A path or directory in a config file is relative to the file.
enum class SettingType { text, path, directory, secret, flag, number, bytes, duration, list, key };

// The setting a row fills.
using SettingRef = std::variant<Setting<std::string>*, Setting<bool>*, Setting<int>*, Setting<long long>*,
                                Setting<Millis>*, Setting<std::vector<std::string>>*>;
using ConstSettingRef =
    std::variant<const Setting<std::string>*, const Setting<bool>*, const Setting<int>*, const Setting<long long>*,
                 const Setting<Millis>*, const Setting<std::vector<std::string>>*>;
// Where CLI11 leaves the row's flag, when the loader applies it from the table; none: the loader's own code does.
using FlagRef = std::variant<std::monostate, std::optional<std::string> FlagValues::*, bool FlagValues::*>;
using SettingRange = std::variant<std::monostate, CountRange, DurationRange>;

struct SettingRow {
    std::string_view name; // config show's row; its dots are the JSON path ("connection.tls.cacertdir")
    SettingType type;
    std::string_view flag;     // the flag's names as CLI11 takes them ("-p,--port"); "" for none
    std::string_view env;      // the environment variable; "" for none
    std::string_view file_key; // the key in a config-file level ("tls.cacertdir", "defaults.lock_ttl"); "" for none
    std::string_view help;     // the flag's help
    SettingRef (*field)(Settings&); // null: an input that only feeds other settings (url, password_file, ...)
    FlagRef flag_value;
    SettingRange range;
    // The loader's own code applies the file key (URL, host/port/db beside a socket, passwords, sentinels, keys).
    bool by_hand = false;
};

const std::vector<SettingRow>& setting_table();

// The long flag of a row ("--port" of "-p,--port"); "" for none.
std::string_view long_flag(const SettingRow& row);
// The row whose long flag is `flag`; std::out_of_range for others.
const SettingRow& setting_by_flag(std::string_view flag);

// The keys a config-file level knows (the first part of each file key), in table order; with a section ("tls",
// "defaults"), the keys known inside that section.
std::vector<std::string_view> file_keys(std::string_view section = "");

// The row's setting, read only; the row must have a field.
ConstSettingRef read_row(const SettingRow& row, const Settings& settings);

// Sets the row's setting; std::logic_error when the value's type is not the setting's (a table mistake).
template <class V>
void set_row(const SettingRow& row, Settings& settings, V value, const Origin& origin)
{
    std::visit(
        [&](auto* setting) {
            if constexpr (std::is_same_v<std::decay_t<decltype(setting->value)>, V>) {
                setting->value = std::move(value);
                setting->origin = origin;
            } else {
                throw std::logic_error("setting table: wrong value type for " + std::string(row.name));
            }
        },
        row.field(settings));
}

} // namespace redops::config
