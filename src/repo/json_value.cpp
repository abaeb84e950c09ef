#include "repo/json_value.h"

#include <fmt/format.h>

namespace redops::repo {

std::optional<nlohmann::ordered_json> parse_json_value(std::string_view text, std::string& problem,
                                                       std::size_t max_depth)
{
    using Event = nlohmann::ordered_json::parse_event_t;
    bool too_deep = false;
    // `depth` counts the containers around the event; a container opened at depth max_depth would be the
    // (max_depth + 1)-th level. Discarding it skips everything inside it too.
    auto limit = [&](int depth, Event event, nlohmann::ordered_json&) {
        if ((event == Event::object_start || event == Event::array_start) &&
            static_cast<std::size_t>(depth) >= max_depth) {
            too_deep = true;
            return false;
        }
        return true;
    };
    nlohmann::ordered_json value = nlohmann::ordered_json::parse(text.begin(), text.end(), limit, false);
    if (too_deep) {
        problem = fmt::format("nested deeper than {} levels", max_depth);
        return std::nullopt;
    }
    if (value.is_discarded()) {
        problem = "not valid JSON";
        return std::nullopt;
    }
    return value;
}

} // namespace redops::repo
