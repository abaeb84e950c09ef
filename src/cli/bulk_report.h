// How commands ask before a bulk deletion and report its skipped ambiguous keys (a JSON value, a warning).
#pragma once

#include "cli/context.h"
#include "output/printer.h"
#include "repo/bulk_delete.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace redops::cli {

// Shows a key in a report: as is, or masked where the key holds a secret (a session id).
using KeyShown = std::function<std::string(const std::string& key)>;

// {"count": N, "first": [key, ...]}
nlohmann::ordered_json ambiguous_json(const repo::AmbiguousKeys& skipped, const KeyShown& shown = {});
// One warning naming the first keys and how to remove such a key deliberately; nothing when none was skipped.
// `owner` says whose key it could also be ("resource", "provider").
void warn_ambiguous(output::Printer& printer, const repo::AmbiguousKeys& skipped, std::string_view owner,
                    std::string_view exact_hint, const KeyShown& shown = {});

// What a bulk prompt names: "Delete 1,234 token keys matching 'auth:token:genesys:*' on 127.0.0.1:6379 db 0?".
struct BulkPrompt {
    std::string verb;    // "Delete"
    std::string noun;    // "token key" (pluralised with an "s")
    std::string pattern; // the SCAN pattern
    std::string refused; // "nothing deleted": what the refusal says was (not) done
};

// Counts what would go with `count_dry_run` (it gets a progress line to feed) before asking, so the question
// states the real count. Asks only on a terminal; with `assume_yes` (--yes) neither counts nor asks; off a
// terminal without --yes, or declined: Error(usage) with nothing done. Nothing found: no question, true.
void confirm_bulk(Context& ctx, bool assume_yes, const BulkPrompt& prompt,
                  const std::function<long long(output::Progress&)>& count_dry_run);

} // namespace redops::cli
