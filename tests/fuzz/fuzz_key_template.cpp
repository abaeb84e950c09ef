// libFuzzer target: key templates (src/config/key_template.*) and the key classifier: parse a template, render
// it with fuzzed values, build a SCAN pattern, read keys back with match(); render(match(key)) must be the key.
#include "common/error.h"
#include "config/key_template.h"
#include "repo/key_classifier.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

// Input: one byte choosing the kind, then lines: the template, then values / keys.
std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

void check_round_trip(const redops::config::KeyTemplate& t, const std::string& key)
{
    auto values = t.match(key);
    if (!values) {
        return;
    }
    for (const auto& name : t.placeholders()) {
        if (values->count(name) == 0) {
            __builtin_trap(); // match() must yield every placeholder the template uses
        }
    }
    if (t.render(*values) != key) {
        __builtin_trap(); // match() must be render()'s inverse
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    const auto& kinds = redops::config::key_kinds();
    const auto& kind = kinds[data[0] % kinds.size()];
    auto lines = split_lines(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    redops::config::KeyTemplate t;
    try {
        t = redops::config::parse_key_template(kind.name, lines[0]);
    } catch (const redops::Error&) {
        t = redops::config::default_key_template(kind.name);
    }
    std::map<std::string, std::string> values;
    for (std::size_t i = 0; i < kind.allowed.size(); ++i) {
        values[kind.allowed[i]] = 1 + i < lines.size() ? lines[1 + i] : "v";
    }
    try {
        std::string key = t.render(values);
        check_round_trip(t, key);
        (void)t.scan_pattern(values);
        (void)t.scan_pattern({});
    } catch (const redops::Error&) {
    }
    std::vector<redops::config::KeyTemplate> templates;
    for (const auto& k : kinds) {
        templates.push_back(k.name == kind.name ? t : redops::config::default_key_template(k.name));
    }
    redops::repo::KeyClassifier classifier(templates);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        try {
            check_round_trip(t, lines[i]);
        } catch (const redops::Error&) {
            // render() may refuse values that make a key ambiguous; refusing is fine, a wrong key is not
        }
        if (classifier.classify(lines[i]) >= classifier.kinds().size()) {
            __builtin_trap();
        }
    }
    return 0;
}
