// The JSON shape of a failure (spec §3): {"ok": false, "error": {"kind": ..., "message": ...}}.
#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <string_view>

namespace redops::output {

// For a ServerError the reply prefix is added as "code" (e.g. "WRONGTYPE"), so scripts need not parse text.
nlohmann::ordered_json error_document(const redops::Error& error);
// For failures that are not a redops::Error (main's last-resort catch): the caller names the kind.
nlohmann::ordered_json error_document(std::string_view kind, std::string_view message);

} // namespace redops::output
