#include "output/nagios.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace redops::output {

namespace {

// A plain decimal number taking all of `text` (strtod alone would take "1e3", "inf" and "0x10" too).
std::optional<double> number(std::string_view text)
{
    if (text.empty() || text.size() > 64) {
        return std::nullopt;
    }
    std::size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
    bool digits = false;
    bool dot = false;
    for (; i < text.size(); ++i) {
        if (text[i] >= '0' && text[i] <= '9') {
            digits = true;
        } else if (text[i] == '.' && !dot) {
            dot = true;
        } else {
            return std::nullopt;
        }
    }
    if (!digits) {
        return std::nullopt;
    }
    std::string copy(text);
    errno = 0;
    double value = std::strtod(copy.c_str(), nullptr);
    if (errno == ERANGE || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::string format_number(double value)
{
    // Fixed notation with no trailing zeros: perfdata parsers do not all read an exponent.
    std::string text = fmt::format("{:.6f}", value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text == "-0" ? "0" : text;
}

} // namespace

bool NagiosRange::alerts(double value) const
{
    bool within = (!start || value >= *start) && (!end || value <= *end);
    return inside ? within : !within;
}

std::optional<NagiosRange> parse_nagios_range(std::string_view text)
{
    NagiosRange range;
    range.text = std::string(text);
    std::string_view rest = text;
    if (!rest.empty() && rest.front() == '@') {
        range.inside = true;
        rest.remove_prefix(1);
    }
    if (rest.empty()) {
        return std::nullopt;
    }
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        range.start = 0.0; // "10" is 0:10
        range.end = number(rest);
        if (!range.end) {
            return std::nullopt;
        }
    } else {
        std::string_view low = rest.substr(0, colon);
        std::string_view high = rest.substr(colon + 1);
        if (low == "~") {
            range.start.reset();
        } else if (low.empty()) {
            range.start = 0.0; // ":10" is 0:10, as the plugins' own parser reads it
        } else if (!(range.start = number(low))) {
            return std::nullopt;
        }
        if (!high.empty() && !(range.end = number(high))) {
            return std::nullopt;
        }
    }
    if (range.start && range.end && *range.start > *range.end) {
        return std::nullopt;
    }
    return range;
}

std::string_view nagios_state_name(NagiosState state)
{
    switch (state) {
    case NagiosState::ok: return "OK";
    case NagiosState::warning: return "WARNING";
    case NagiosState::critical: return "CRITICAL";
    case NagiosState::unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

std::string perfdata_item(const PerfItem& item)
{
    std::string label;
    for (char c : item.label) {
        label += c == '\'' ? std::string("''") : std::string(1, c == '=' ? '_' : c);
    }
    auto optional_number = [](const std::optional<double>& v) { return v ? format_number(*v) : std::string(); };
    return fmt::format("'{}'={}{};{};{};{};{}", label, item.value ? format_number(*item.value) : "U",
                       item.value ? item.unit : "", item.warn ? item.warn->text : "", item.crit ? item.crit->text : "",
                       optional_number(item.min), optional_number(item.max));
}

NagiosState nagios_state(double value, const NagiosRange* warn, const NagiosRange* crit)
{
    if (crit && crit->alerts(value)) {
        return NagiosState::critical;
    }
    if (warn && warn->alerts(value)) {
        return NagiosState::warning;
    }
    return NagiosState::ok;
}

std::string nagios_line(std::string_view service, NagiosState state, std::string_view summary,
                        const std::vector<PerfItem>& perfdata)
{
    std::string text;
    for (char c : summary) {
        text += c == '|' ? '/' : (c == '\n' || c == '\r') ? ' ' : c;
    }
    std::string line = fmt::format("{} {} - {}", service, nagios_state_name(state), text);
    if (!perfdata.empty()) {
        line += " |";
        for (const auto& item : perfdata) {
            line += " " + perfdata_item(item);
        }
    }
    return line;
}

} // namespace redops::output
