// How commands report a bulk deletion's skipped ambiguous keys: a JSON value and a warning on stderr.
#pragma once

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

} // namespace redops::cli
