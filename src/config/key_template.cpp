#include "config/key_template.h"

#include "common/error.h"

#include <algorithm>
#include <fmt/args.h>
#include <fmt/format.h>
#include <utility>

namespace redops::config {
namespace {

bool is_identifier(std::string_view name)
{
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto alnum = [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); };
    return !name.empty() && alpha(name.front()) && std::all_of(name.begin(), name.end(), alnum);
}

bool is_number(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Collects what a template parse needs for its error messages.
class TemplateParser {
public:
    TemplateParser(std::string_view text, std::string_view kind, const std::vector<std::string>& allowed)
        : m_text(text), m_kind(kind), m_allowed(allowed)
    {
    }

    [[noreturn]] void fail(std::string_view why) const
    {
        throw Error(ErrorKind::config, fmt::format("invalid {} key template \"{}\": {}", m_kind, m_text, why));
    }

    std::string allowed_list() const { return fmt::format("{}", fmt::join(m_allowed, ", ")); }

    // Validates the text inside one pair of braces; returns the placeholder name.
    std::string placeholder(std::string_view inner) const
    {
        if (inner.empty()) {
            fail(fmt::format("positional placeholder {{}} (name it: {})", allowed_list()));
        }
        if (auto colon = inner.find(':'); colon != std::string_view::npos) {
            fail(fmt::format("format spec in {{{}}} is not supported (write {{{}}})", inner, inner.substr(0, colon)));
        }
        if (is_number(inner)) {
            fail(fmt::format("positional placeholder {{{}}} (name it: {})", inner, allowed_list()));
        }
        if (!is_identifier(inner)) {
            fail(fmt::format("invalid placeholder {{{}}} (allowed: {})", inner, allowed_list()));
        }
        if (std::find(m_allowed.begin(), m_allowed.end(), inner) == m_allowed.end()) {
            fail(fmt::format("unknown placeholder {{{}}} (allowed: {})", inner, allowed_list()));
        }
        return std::string(inner);
    }

private:
    std::string_view m_text;
    std::string_view m_kind;
    const std::vector<std::string>& m_allowed;
};

bool assign(std::map<std::string, std::string>& values, const std::string& name, std::string_view value)
{
    auto [it, inserted] = values.emplace(name, std::string(value));
    // A placeholder used twice must have captured the same text both times.
    return inserted || it->second == value;
}

} // namespace

std::string glob_escape(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

KeyTemplate KeyTemplate::parse(std::string_view text, std::string_view kind, std::vector<std::string> allowed)
{
    TemplateParser parser(text, kind, allowed);
    if (text.empty()) {
        parser.fail("empty template");
    }
    KeyTemplate out;
    out.m_text = std::string(text);
    out.m_kind = std::string(kind);
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            literal += '{';
            i += 2;
        } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            literal += '}';
            i += 2;
        } else if (c == '}') {
            parser.fail(fmt::format("unbalanced '}}' at offset {} (write }}}} for a literal brace)", i));
        } else if (c == '{') {
            auto close = text.find('}', i + 1);
            auto nested = text.find('{', i + 1);
            if (close == std::string_view::npos || nested < close) {
                parser.fail(fmt::format("unbalanced '{{' at offset {} (write {{{{ for a literal brace)", i));
            }
            std::string name = parser.placeholder(text.substr(i + 1, close - i - 1));
            if (literal.empty() && !out.m_segments.empty() && out.m_segments.back().is_placeholder) {
                // Without text between them a key could not be split back into its values.
                parser.fail(fmt::format("placeholders {{{}}} and {{{}}} need text between them",
                                        out.m_segments.back().text, name));
            }
            if (!literal.empty()) {
                out.m_segments.push_back({false, std::move(literal)});
                literal.clear();
            }
            if (!out.uses(name)) {
                out.m_placeholders.push_back(name);
            }
            out.m_segments.push_back({true, std::move(name)});
            i = close + 1;
        } else {
            literal += c;
            ++i;
        }
    }
    if (!literal.empty()) {
        out.m_segments.push_back({false, std::move(literal)});
    }
    return out;
}

std::string KeyTemplate::render(const std::map<std::string, std::string>& values) const
{
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& name : m_placeholders) {
        auto it = values.find(name);
        if (it == values.end()) {
            throw Error(ErrorKind::usage,
                        fmt::format("the {} key template \"{}\" needs a value for {{{}}}", m_kind, m_text, name));
        }
        store.push_back(fmt::arg(name.c_str(), fmt::string_view(it->second.data(), it->second.size())));
    }
    return fmt::vformat(m_text, store);
}

std::string KeyTemplate::scan_pattern(const std::map<std::string, std::string>& known) const
{
    std::string out;
    for (const auto& segment : m_segments) {
        if (!segment.is_placeholder) {
            out += glob_escape(segment.text);
        } else if (auto it = known.find(segment.text); it != known.end()) {
            out += glob_escape(it->second);
        } else {
            out += '*';
        }
    }
    return out;
}

std::optional<std::map<std::string, std::string>> KeyTemplate::match(std::string_view key) const
{
    auto found = matches(key, 1);
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.front());
}

std::vector<std::map<std::string, std::string>> KeyTemplate::matches(std::string_view key, std::size_t limit) const
{
    std::vector<std::map<std::string, std::string>> found;
    if (m_segments.empty() || limit == 0) {
        return found;
    }
    std::map<std::string, std::string> values;
    match_all(0, key, values, [&](const std::map<std::string, std::string>& reading) {
        found.push_back(reading);
        return found.size() < limit;
    });
    return found;
}

bool KeyTemplate::match_all(std::size_t index, std::string_view key, std::map<std::string, std::string>& values,
                            const std::function<bool(const std::map<std::string, std::string>&)>& emit) const
{
    if (index == m_segments.size()) {
        return !key.empty() || emit(values);
    }
    const auto& segment = m_segments[index];
    if (!segment.is_placeholder) {
        if (key.substr(0, segment.text.size()) != segment.text) {
            return true;
        }
        return match_all(index + 1, key.substr(segment.text.size()), values, emit);
    }
    // Placeholders never touch (parse rejects that), so the next segment, if any, is literal text.
    bool is_last = std::none_of(m_segments.begin() + static_cast<std::ptrdiff_t>(index) + 1, m_segments.end(),
                                [](const Segment& s) { return s.is_placeholder; });
    auto try_value = [&](std::string_view value, std::string_view rest) {
        auto saved = values;
        bool go_on = !assign(values, segment.text, value) || match_all(index + 1, rest, values, emit);
        values = std::move(saved);
        return go_on;
    };
    if (is_last) {
        std::string_view suffix = index + 1 < m_segments.size() ? std::string_view(m_segments[index + 1].text)
                                                                : std::string_view{};
        if (key.size() < suffix.size() || key.substr(key.size() - suffix.size()) != suffix) {
            return true;
        }
        return try_value(key.substr(0, key.size() - suffix.size()), key.substr(key.size() - suffix.size()));
    }
    const std::string& next = m_segments[index + 1].text;
    // Shortest value first, so the first reading is the one match() reports.
    for (auto pos = key.find(next); pos != std::string_view::npos; pos = key.find(next, pos + 1)) {
        if (!try_value(key.substr(0, pos), key.substr(pos))) {
            return false;
        }
    }
    return true;
}

namespace {

// Readings examined before a key counts as ambiguous without looking further (a key crafted with many separators).
constexpr std::size_t k_max_readings = 64;

bool agrees(const std::map<std::string, std::string>& reading, const std::map<std::string, std::string>& known)
{
    return std::all_of(known.begin(), known.end(), [&](const auto& entry) {
        auto it = reading.find(entry.first);
        return it == reading.end() || it->second == entry.second;
    });
}

} // namespace

KeyTemplate::Ownership KeyTemplate::classify(std::string_view key,
                                             const std::map<std::string, std::string>& known) const
{
    bool names_all = std::all_of(m_placeholders.begin(), m_placeholders.end(),
                                 [&](const std::string& name) { return known.count(name) > 0; });
    if (names_all) {
        // The one key these values render to: asked for by name, whatever else it could be read as.
        return key == render(known) ? Ownership::owned : Ownership::foreign;
    }
    auto readings = matches(key, k_max_readings + 1);
    bool some_agree = std::any_of(readings.begin(), readings.end(), [&](const auto& r) { return agrees(r, known); });
    if (!some_agree) {
        return Ownership::foreign;
    }
    bool all_agree = readings.size() <= k_max_readings &&
                     std::all_of(readings.begin(), readings.end(), [&](const auto& r) { return agrees(r, known); });
    return all_agree ? Ownership::owned : Ownership::ambiguous;
}

std::string KeyTemplate::render_unambiguous(const std::map<std::string, std::string>& values) const
{
    std::string key = render(values);
    auto readings = matches(key, 2);
    if (readings.size() == 1 && agrees(readings.front(), values)) {
        return key;
    }
    // Name the placeholder that gave text away to a neighbour in the other reading: it holds a separator.
    std::string field = m_placeholders.front();
    std::string other;
    for (const auto& reading : readings) {
        if (agrees(reading, values)) {
            continue;
        }
        for (const auto& name : m_placeholders) {
            auto it = reading.find(name);
            if (it != reading.end() && it->second.size() < values.at(name).size()) {
                field = name;
                break;
            }
        }
        std::vector<std::string> parts;
        for (const auto& name : m_placeholders) {
            parts.push_back(fmt::format("{} \"{}\"", name, reading.at(name)));
        }
        other = fmt::format(" (it would also read as {})", fmt::join(parts, ", "));
        break;
    }
    throw Error(ErrorKind::usage,
                fmt::format("--{} \"{}\" would make the {} key \"{}\" ambiguous{}: a value must not contain the text "
                            "that separates the parts of the template \"{}\"; nothing written",
                            field, values.at(field), m_kind, key, other, m_text));
}

bool KeyTemplate::uses(std::string_view placeholder) const
{
    return std::find(m_placeholders.begin(), m_placeholders.end(), placeholder) != m_placeholders.end();
}

const std::vector<KeyKind>& key_kinds()
{
    static const std::vector<KeyKind> k_kinds{
        {"token", "auth:token:{provider}:{tenant}", {"provider", "tenant"}},
        {"lock", "lock:{name}", {"name"}},
        {"dedupe", "dedupe:{tenant}:{id}", {"tenant", "id"}},
        {"ratelimit", "rate:{resource}:{subject}", {"resource", "subject"}},
        {"session", "session:{id}", {"id"}},
        {"user_index", "user:sessions:{user}", {"user"}},
        // Outside the "lock:" prefix, so no lock name can render to it; the hash tag {lock:NAME} puts it in the
        // cluster slot of the default lock key "lock:NAME", so `lock run --fence` works in a cluster as is.
        {"lock_fence", "{{lock:{name}}}:fence", {"name"}},
    };
    return k_kinds;
}

const KeyKind* find_key_kind(std::string_view name)
{
    const auto& kinds = key_kinds();
    auto it = std::find_if(kinds.begin(), kinds.end(), [&](const KeyKind& kind) { return kind.name == name; });
    return it == kinds.end() ? nullptr : &*it;
}

KeyTemplate parse_key_template(std::string_view kind, std::string_view text)
{
    const KeyKind* found = find_key_kind(kind);
    if (found == nullptr) {
        throw Error(ErrorKind::config, fmt::format("unknown key kind \"{}\"", kind));
    }
    return KeyTemplate::parse(text, found->name, found->allowed);
}

KeyTemplate default_key_template(std::string_view kind)
{
    const KeyKind* found = find_key_kind(kind);
    if (found == nullptr) {
        throw Error(ErrorKind::config, fmt::format("unknown key kind \"{}\"", kind));
    }
    return KeyTemplate::parse(found->default_template, found->name, found->allowed);
}

} // namespace redops::config
