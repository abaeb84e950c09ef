// Key templates per data kind ("auth:token:{provider}:{tenant}"): render keys, SCAN patterns, and parse keys back.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::config {

// Backslash-escapes the Redis MATCH glob metacharacters * ? [ ] \ so a value matches only itself.
std::string glob_escape(std::string_view value);

class KeyTemplate {
public:
    KeyTemplate() = default;

    // fmt named placeholders ({provider}); {{ and }} are literal braces. Placeholders must be in `allowed`;
    // a template may omit some. Unknown placeholder, format spec, positional {} / {0}, unbalanced brace,
    // two placeholders without text between them, empty template -> Error(config) naming template and kind.
    static KeyTemplate parse(std::string_view text, std::string_view kind, std::vector<std::string> allowed);

    // Renders through fmt; a used placeholder without a value -> Error(usage). Values are taken literally.
    std::string render(const std::map<std::string, std::string>& values) const;
    // SCAN MATCH pattern: literal text and known values glob-escaped, other placeholders '*'.
    std::string scan_pattern(const std::map<std::string, std::string>& known) const;
    // Inverse of render: placeholder values of a key (every placeholder but the last matches as little as
    // it can, so the last one - e.g. a tenant - may contain ':'); nullopt when the key does not fit.
    std::optional<std::map<std::string, std::string>> match(std::string_view key) const;
    // Every way the key splits into placeholder values, at most `limit` of them (a key whose values contain
    // the literal text between placeholders has more than one).
    std::vector<std::map<std::string, std::string>> matches(std::string_view key, std::size_t limit) const;

    // Key identity (spec §6): whether a key belongs to a command that asked for the values in `known`.
    // owned: every reading of the key agrees with `known` (or `known` names every placeholder and the key is
    // exactly their rendering); ambiguous: one reading agrees and another does not, so a bulk operation must
    // leave it alone; foreign: no reading agrees (another kind's key, or one a server returned despite MATCH).
    enum class Ownership { foreign, owned, ambiguous };
    Ownership classify(std::string_view key, const std::map<std::string, std::string>& known) const;
    // render() for a write: Error(usage) naming the placeholder when the key would not parse back to exactly
    // these values (e.g. a provider "genesys:eu" in "auth:token:{provider}:{tenant}").
    std::string render_unambiguous(const std::map<std::string, std::string>& values) const;

    const std::string& text() const { return m_text; }
    const std::string& kind() const { return m_kind; }
    const std::vector<std::string>& placeholders() const { return m_placeholders; } // in order, unique
    bool uses(std::string_view placeholder) const;

private:
    struct Segment {
        bool is_placeholder = false;
        std::string text; // literal text (braces unescaped) or the placeholder name
    };

    // Depth-first over the readings of key[segment...]; `emit` returns false to stop. Returns false once stopped.
    bool match_all(std::size_t segment, std::string_view key, std::map<std::string, std::string>& values,
                   const std::function<bool(const std::map<std::string, std::string>&)>& emit) const;

    std::string m_text;
    std::string m_kind;
    std::vector<Segment> m_segments;
    std::vector<std::string> m_placeholders;
};

// The data kinds with their default templates and allowed placeholders; defined here and nowhere else.
struct KeyKind {
    std::string_view name;             // "token", "lock", "dedupe", "ratelimit", "session", "user_index"
    std::string_view default_template; // "auth:token:{provider}:{tenant}"
    std::vector<std::string> allowed;  // {"provider", "tenant"}
};

const std::vector<KeyKind>& key_kinds();
const KeyKind* find_key_kind(std::string_view name);                          // nullptr when unknown
KeyTemplate parse_key_template(std::string_view kind, std::string_view text); // Error(config) for an unknown kind too
KeyTemplate default_key_template(std::string_view kind);

} // namespace redops::config
