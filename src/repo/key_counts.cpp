#include "repo/key_counts.h"

#include <algorithm>

namespace redops::repo {

std::optional<double> keys_age_s(const KeyCensusReport& report, long long sample_time_ms)
{
    if (!report.counts) {
        return std::nullopt;
    }
    // A pass that finished during this sample ends after the sample's time stamp: that is age 0, not negative.
    return static_cast<double>(std::max(0LL, sample_time_ms - report.counted_at_ms)) / 1000.0;
}

} // namespace redops::repo
