// The stale-entry walk of user indexes (members whose session key is gone) for the census. doctor walks its
// indexes in its own pass (doctor_scan), where the first pages ride in the batch pipelines it already sends.
#pragma once

#include "config/key_template.h"
#include "redis/client.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace redops::repo {

// One page of one index's members, with the PTTL of each member's session key.
struct IndexPage {
    std::size_t index = 0;               // position in the list of index keys walked
    std::vector<std::string> members;    // this page's members (session ids: secrets)
    std::vector<long long> member_pttls; // the PTTL of each member's session key; -2: gone (stale)
    std::vector<std::string> stale;      // this page's stale members, each reported once per walk
    bool done = false;                   // the walk of this index ended with this page
    bool walked = false;                 // at least one page was read (false: no set when first read)
};

// Walks every member of each index, all walks in step: one SSCAN pipeline and one PTTL pipeline per round, each
// SSCAN bounded (COUNT, ScanBound). An index that turns out not to be a set, or moved, ends its walk. Returns
// false when `deadline` passed before every walk ended (the pages not read are not reported).
bool walk_user_indexes(redis::Client& client, const config::KeyTemplate& session_template,
                       const std::vector<std::string>& indexes, long long scan_count,
                       const std::function<void(const IndexPage&)>& on_page,
                       std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

} // namespace redops::repo
