#include "output/error_document.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace redops::output {
namespace {

nlohmann::ordered_json wrap(nlohmann::ordered_json error)
{
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    doc["ok"] = false;
    doc["error"] = std::move(error);
    return doc;
}

bool is_error_code(std::string_view word)
{
    return !word.empty() && word.size() <= 32 && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

} // namespace

nlohmann::ordered_json error_document(const redops::Error& error)
{
    nlohmann::ordered_json inner = nlohmann::ordered_json::object();
    inner["kind"] = std::string(kind_name(error.kind()));
    // The reply's first word when it is an error code (WRONGTYPE, NOPERM, READONLY): never free text, which the
    // message (masked) already carries.
    if (const std::string& code = error.server_code(); is_error_code(code)) {
        inner["code"] = code;
    }
    inner["message"] = std::string(error.what());
    nlohmann::ordered_json doc = wrap(std::move(inner));
    if (const auto& done = error.done()) {
        // What a bulk operation did before it failed, so a script knows a rerun is needed and how far it got.
        doc[done->verb] = done->total;
        if (!done->per_node.empty()) {
            nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
            for (const auto& [address, count] : done->per_node) {
                nodes.push_back({{"address", address}, {done->verb, count}});
            }
            doc["nodes"] = std::move(nodes);
        }
    }
    return doc;
}

nlohmann::ordered_json error_document(std::string_view kind, std::string_view message)
{
    nlohmann::ordered_json inner = nlohmann::ordered_json::object();
    inner["kind"] = std::string(kind);
    inner["message"] = std::string(message);
    return wrap(std::move(inner));
}

} // namespace redops::output
