#include "config/settings.h"

#include <stdexcept>
#include <utility>

namespace redops::config {

std::string describe(const Origin& origin)
{
    switch (origin.source) {
    case Source::flag: return "flag " + origin.detail;
    case Source::env: return "env " + origin.detail;
    case Source::file: return "file " + origin.detail;
    case Source::default_value: return origin.detail.empty() ? "default" : "default (" + origin.detail + ")";
    }
    return "default";
}

Setting<KeyTemplate>& key_template_setting(KeyTemplates& keys, std::string_view kind)
{
    const auto& const_keys = keys;
    // Same lookup for both constnesses; the object itself is non-const here.
    return const_cast<Setting<KeyTemplate>&>(key_template_setting(const_keys, kind));
}

const Setting<KeyTemplate>& key_template_setting(const KeyTemplates& keys, std::string_view kind)
{
    static constexpr std::pair<std::string_view, Setting<KeyTemplate> KeyTemplates::*> k_members[]{
        {"token", &KeyTemplates::token},          {"lock", &KeyTemplates::lock},
        {"dedupe", &KeyTemplates::dedupe},        {"ratelimit", &KeyTemplates::ratelimit},
        {"session", &KeyTemplates::session},      {"user_index", &KeyTemplates::user_index},
        {"lock_fence", &KeyTemplates::lock_fence}};
    for (const auto& [name, member] : k_members) {
        if (name == kind) {
            return keys.*member;
        }
    }
    throw std::out_of_range("unknown key kind " + std::string(kind));
}

} // namespace redops::config
