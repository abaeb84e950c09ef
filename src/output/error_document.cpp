#include "output/error_document.h"

#include <string>

namespace redops::output {
namespace {

nlohmann::ordered_json wrap(nlohmann::ordered_json error)
{
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    doc["ok"] = false;
    doc["error"] = std::move(error);
    return doc;
}

} // namespace

nlohmann::ordered_json error_document(const redops::Error& error)
{
    nlohmann::ordered_json inner = nlohmann::ordered_json::object();
    inner["kind"] = std::string(kind_name(error.kind()));
    if (const auto* server = dynamic_cast<const ServerError*>(&error); server != nullptr && !server->prefix().empty()) {
        inner["code"] = server->prefix();
    }
    inner["message"] = std::string(error.what());
    return wrap(std::move(inner));
}

nlohmann::ordered_json error_document(std::string_view kind, std::string_view message)
{
    nlohmann::ordered_json inner = nlohmann::ordered_json::object();
    inner["kind"] = std::string(kind);
    inner["message"] = std::string(message);
    return wrap(std::move(inner));
}

} // namespace redops::output
