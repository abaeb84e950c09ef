// Nagios plugin output as the monitoring-plugins guidelines define it: threshold ranges, perfdata, the status line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::output {

// A threshold range: "10" (alert outside 0..10), "10:" (below 10), "~:10" (above 10), "10:20" (outside 10..20),
// "@10:20" (inside 10..20). The text is kept so perfdata repeats exactly what was given.
struct NagiosRange {
    std::optional<double> start; // none: negative infinity ("~")
    std::optional<double> end;   // none: positive infinity (nothing after ':')
    bool inside = false;         // '@': alert when the value is inside the range
    std::string text;

    // Whether `value` raises the alert this range stands for.
    bool alerts(double value) const;
};

// Parses the standard syntax; std::nullopt on anything else (empty, start above end, NaN, trailing text).
std::optional<NagiosRange> parse_nagios_range(std::string_view text);

// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
enum class NagiosState { ok = 0, warning = 1, critical = 2, unknown = 3 };
std::string_view nagios_state_name(NagiosState state);

// One perfdata item: 'label'=value[UOM];warn;crit;min;max. A missing value is "U".
struct PerfItem {
    std::string label;
    std::optional<double> value;
    std::string unit; // "", "s", "ms", "%", "B", "c"
    const NagiosRange* warn = nullptr;
    const NagiosRange* crit = nullptr;
    std::optional<double> min;
    std::optional<double> max;
};

// The item as text; the label is always single-quoted (a quote inside is doubled and '=', which the guidelines
// forbid in a label, becomes '_') and a number is written without exponent so every parser reads it.
std::string perfdata_item(const PerfItem& item);

// The state a value is in under these thresholds: CRITICAL before WARNING.
NagiosState nagios_state(double value, const NagiosRange* warn, const NagiosRange* crit);

// "REDIS <STATE> - <summary> | <perfdata>" on one line: line breaks and '|' in the summary are replaced so the
// line stays one line with one perfdata separator.
std::string nagios_line(std::string_view service, NagiosState state, std::string_view summary,
                        const std::vector<PerfItem>& perfdata);

} // namespace redops::output
