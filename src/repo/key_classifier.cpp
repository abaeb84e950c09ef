#include "repo/key_classifier.h"

#include <algorithm>
#include <map>

namespace redops::repo {

namespace {

// Rendering with every placeholder empty leaves exactly the literal text (escaped braces unescaped).
std::size_t literal_length(const config::KeyTemplate& key_template)
{
    std::map<std::string, std::string> empty;
    for (const auto& name : key_template.placeholders()) {
        empty[name] = "";
    }
    return key_template.render(empty).size();
}

} // namespace

KeyClassifier::KeyClassifier(std::vector<config::KeyTemplate> templates)
{
    for (auto& key_template : templates) {
        m_kinds.push_back(key_template.kind());
        std::size_t length = literal_length(key_template);
        m_candidates.push_back({std::move(key_template), m_kinds.size() - 1, length});
    }
    m_kinds.emplace_back("other");
    std::stable_sort(m_candidates.begin(), m_candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.literal_length > b.literal_length; });
}

std::size_t KeyClassifier::classify(std::string_view key) const
{
    for (const auto& candidate : m_candidates) {
        if (candidate.key_template.match(key)) {
            return candidate.kind;
        }
    }
    return other();
}

} // namespace redops::repo
