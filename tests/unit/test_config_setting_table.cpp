#include "config/setting_table.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace redops::config;

#ifndef REDOPS_SOURCE_DIR
#error "REDOPS_SOURCE_DIR names the source tree (tests/CMakeLists.txt)"
#endif

namespace {

// `leaf` or `section.leaf` somewhere in the text.
bool names_key(const std::string& text, const std::string& leaf)
{
    for (auto at = text.find(leaf + "`"); at != std::string::npos; at = text.find(leaf + "`", at + 1)) {
        if (at > 0 && (text[at - 1] == '`' || text[at - 1] == '.')) {
            return true;
        }
    }
    return false;
}

std::string read_text(const std::string& relative)
{
    // A filesystem path, not string concatenation: g++ 12 -O2 warns falsely (array-bounds) on the latter here.
    std::ifstream in(std::filesystem::path(REDOPS_SOURCE_DIR) / relative, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("setting table rows have unique names flags and file keys", "[config][settings]")
{
    std::set<std::string_view> names;
    std::set<std::string_view> flags;
    std::set<std::string_view> keys;
    for (const auto& row : setting_table()) {
        INFO(row.name);
        CHECK(names.insert(row.name).second);
        if (!row.flag.empty()) {
            CHECK(flags.insert(long_flag(row)).second);
            CHECK(long_flag(row).rfind("--", 0) == 0);
            CHECK(&setting_by_flag(long_flag(row)) == &row);
            CHECK_FALSE(row.help.empty());
        }
        if (!row.file_key.empty()) {
            CHECK(keys.insert(row.file_key).second);
        }
        // What the loader reads from the table alone needs what reading it takes.
        if (!row.by_hand && !row.file_key.empty()) {
            CHECK(row.field != nullptr);
        }
        if (row.type == SettingType::duration && row.field != nullptr) {
            CHECK(std::holds_alternative<DurationRange>(row.range));
        }
    }
    CHECK_THROWS_AS(setting_by_flag("--no-such-flag"), std::out_of_range);
}

TEST_CASE("config file levels know the keys of the setting table in table order", "[config][settings]")
{
    CHECK(file_keys() == std::vector<std::string_view>{"url", "host", "port", "db", "databases", "user", "password",
                                                       "password_file", "tls", "cluster", "sentinels", "master",
                                                       "sentinel_password", "connect_timeout", "timeout", "keys",
                                                       "defaults"});
    CHECK(file_keys("tls") ==
          std::vector<std::string_view>{"enabled", "cacert", "cacertdir", "cert", "key", "sni", "insecure"});
    CHECK(file_keys("defaults").size() == 9);
}

TEST_CASE("docs/config.md names every file key and environment variable of the setting table", "[config][settings]")
{
    const std::string doc = read_text("docs/config.md");
    for (const auto& row : setting_table()) {
        INFO(row.name);
        if (!row.env.empty()) {
            CHECK(doc.find("`" + std::string(row.env) + "`") != std::string::npos);
        }
        std::string_view key = row.file_key;
        if (!key.empty() && key != "keys") {
            // "tls.cacert" is listed in the tls row, "defaults.lock_ttl" with its siblings: the last part is named.
            std::string leaf(key.substr(key.rfind('.') == std::string_view::npos ? 0 : key.rfind('.') + 1));
            CHECK(names_key(doc, leaf));
        }
    }
}
