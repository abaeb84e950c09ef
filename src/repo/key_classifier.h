// Which data kind a key belongs to, judged only by the configured key templates (monitor --keys).
#pragma once

#include "config/key_template.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace redops::repo {

class KeyClassifier {
public:
    // One template per kind (its kind() names it); "other" is appended as the last kind.
    explicit KeyClassifier(std::vector<config::KeyTemplate> templates);

    // Index into kinds() of the kind whose template the key fits, else other(). When several fit (custom
    // templates may overlap, e.g. "app:{id}" and "app:user:{user}"), the one with the most literal text wins,
    // then the earlier kind.
    std::size_t classify(std::string_view key) const;
    const std::vector<std::string>& kinds() const { return m_kinds; }
    std::size_t other() const { return m_kinds.size() - 1; }

private:
    struct Candidate {
        config::KeyTemplate key_template;
        std::size_t kind = 0; // index into m_kinds
        std::size_t literal_length = 0;
    };
    std::vector<Candidate> m_candidates; // most literal text first, so the first fit wins
    std::vector<std::string> m_kinds;
};

} // namespace redops::repo
