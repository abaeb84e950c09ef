#include "cli/error_words.h"

#include <string_view>

namespace redops::cli {
namespace {

std::string_view words_for(Remedy remedy)
{
    switch (remedy) {
    case Remedy::none: return {};
    case Remedy::give_password: return "give a password with --askpass, --password-file or REDIS_PASSWORD";
    case Remedy::use_tls: return "try rediss:// or --tls";
    case Remedy::drop_db: return "drop --db or the database number of the URL";
    case Remedy::drop_cluster: return "drop --cluster";
    case Remedy::raise_reply_cap: return "raise --max-reply-bytes or the setting defaults.max_reply_bytes";
    case Remedy::share_hash_tag:
        return "give both templates the same hash tag (e.g. keys.lock \"lock:{{{name}}}\" and keys.lock_fence "
               "\"lockfence:{{{name}}}\")";
    }
    return {};
}

} // namespace

std::string in_user_words(const Error& error)
{
    std::string_view words = words_for(error.remedy());
    if (words.empty()) {
        return error.what();
    }
    return std::string(error.what()) + "; " + std::string(words);
}

std::string in_user_words(const std::exception& error)
{
    const auto* typed = dynamic_cast<const Error*>(&error);
    return typed != nullptr ? in_user_words(*typed) : std::string(error.what());
}

} // namespace redops::cli
