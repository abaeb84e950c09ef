#include "cli/bulk_report.h"

#include "common/error.h"
#include "output/progress.h"
#include "output/text_width.h"

#include <fmt/format.h>

#include <vector>

namespace redops::cli {
namespace {

std::string show(const std::string& key, const KeyShown& shown)
{
    return shown ? shown(key) : key;
}

} // namespace

nlohmann::ordered_json ambiguous_json(const repo::AmbiguousKeys& skipped, const KeyShown& shown)
{
    nlohmann::ordered_json first = nlohmann::ordered_json::array();
    for (const auto& key : skipped.first) {
        first.push_back(show(key, shown));
    }
    return {{"count", skipped.count}, {"first", std::move(first)}};
}

void warn_ambiguous(output::Printer& printer, const repo::AmbiguousKeys& skipped, std::string_view owner,
                    std::string_view exact_hint, const KeyShown& shown)
{
    if (skipped.count == 0) {
        return;
    }
    std::vector<std::string> names;
    for (const auto& key : skipped.first) {
        names.push_back(output::sanitize_for_terminal(show(key, shown)));
    }
    std::string more = skipped.count > static_cast<long long>(names.size())
                           ? fmt::format(" and {} more", skipped.count - static_cast<long long>(names.size()))
                           : "";
    printer.warn(fmt::format("left {} ambiguous key{} alone, which could also belong to another {}: {}{} "
                             "(to remove such a key, name it exactly: {})",
                             skipped.count, skipped.count == 1 ? "" : "s", owner, fmt::join(names, ", "), more,
                             exact_hint));
}

void confirm_bulk(Context& ctx, bool assume_yes, const BulkPrompt& prompt,
                  const std::function<long long(output::Progress&)>& count_dry_run)
{
    if (assume_yes) {
        return;
    }
    if (!ctx.terminal().stdin_is_tty) {
        throw Error(ErrorKind::usage,
                    fmt::format("bulk deletion needs --yes when stdin is not a terminal; {}", prompt.refused));
    }
    long long found = 0;
    {
        output::Progress progress = ctx.printer().progress(fmt::format("counting {}s", prompt.noun));
        found = count_dry_run(progress);
    }
    if (found == 0) {
        return; // nothing would go: nothing to ask about
    }
    std::string question = fmt::format("{} {} {}{} matching '{}' on {}?", prompt.verb, output::group_thousands(found),
                                       prompt.noun, found == 1 ? "" : "s",
                                       output::sanitize_for_terminal(prompt.pattern), ctx.target_text());
    if (!ctx.confirm(question, false)) {
        throw Error(ErrorKind::usage, fmt::format("not confirmed; {}", prompt.refused));
    }
}

} // namespace redops::cli
