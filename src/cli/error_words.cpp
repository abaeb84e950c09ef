#include "cli/error_words.h"

#include "common/interrupt.h"

#include <algorithm>
#include <cctype>
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

// A NOPERM reply that names the command the ACL user may not run ("... no permissions to run the 'strlen'
// command"): what to grant. Empty for any other error, and for a name that does not look like a command.
std::string grant_for(const Error& error)
{
    if (error.server_code() != "NOPERM") {
        return {};
    }
    constexpr std::string_view lead = "to run the '";
    const std::string& reply = error.server_reply();
    const auto at = reply.find(lead);
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + lead.size();
    const auto end = reply.find('\'', start);
    if (end == std::string::npos || end == start || end - start > 64) {
        return {};
    }
    std::string command = reply.substr(start, end - start);
    const bool plain = std::all_of(command.begin(), command.end(), [](unsigned char c) {
        return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '|' || c == '-' || c == '_';
    });
    return plain ? "grant it to the ACL user: ACL SETUSER <user> +" + command : std::string();
}

} // namespace

std::string in_user_words(const Error& error)
{
    std::string text = error.what();
    // Bulk work stops on a signal only between batches. When the batch it was waiting for failed first (a
    // timeout, a dropped connection), the error is that failure, reported with the work done before it; say the
    // signal was seen, so whoever pressed Ctrl-C knows why it still took up to --timeout. Only then: an error
    // without work done did not end a batch loop (a step after the loop, the loop having finished).
    if (const int sig = interrupt_signal();
        sig != 0 && error.kind() != ErrorKind::interrupted && error.done().has_value()) {
        text += std::string(" (") + interrupt_name(sig) + " came while it waited for the batch in flight)";
    }
    for (const std::string& words : {std::string(words_for(error.remedy())), grant_for(error)}) {
        if (!words.empty()) {
            text += "; " + words;
        }
    }
    return text;
}

std::string in_user_words(const std::exception& error)
{
    const auto* typed = dynamic_cast<const Error*>(&error);
    return typed != nullptr ? in_user_words(*typed) : std::string(error.what());
}

} // namespace redops::cli
