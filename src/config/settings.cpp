#include "config/settings.h"

#include <stdexcept>

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
    if (kind == "token") {
        return keys.token;
    }
    if (kind == "lock") {
        return keys.lock;
    }
    if (kind == "dedupe") {
        return keys.dedupe;
    }
    if (kind == "ratelimit") {
        return keys.ratelimit;
    }
    if (kind == "session") {
        return keys.session;
    }
    if (kind == "user_index") {
        return keys.user_index;
    }
    if (kind == "lock_fence") {
        return keys.lock_fence;
    }
    throw std::out_of_range("unknown key kind " + std::string(kind));
}

} // namespace redops::config
