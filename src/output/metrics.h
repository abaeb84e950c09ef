// Metrics as every format names them: one spec per metric, and the renderers of a metric table's readings (JSON
// fields, text line, Prometheus exposition, Nagios perfdata labels). The table itself belongs to the command.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redops::output {

enum class MetricType { gauge, counter };
std::string_view metric_type_name(MetricType type);

// One metric; "" leaves it out of that format.
struct MetricSpec {
    std::string_view json{};       // field of the JSON line
    std::string_view text{};       // key of the text line
    int text_decimals = -1;        // fixed decimals in the text line; -1: the value as is
    std::string_view prometheus{}; // family of the exposition
    MetricType type = MetricType::gauge;
    std::string_view help{}; // the family's HELP
};

// A metric's value in one sample: a JSON scalar (null: nothing to report: "-" in text), or an object for a
// figure only JSON shows in full.
struct MetricReading {
    const MetricSpec* spec;
    nlohmann::ordered_json value;
};

// Each reading with a JSON name, in order.
void add_json_fields(nlohmann::ordered_json& doc, const std::vector<MetricReading>& readings);
// " key=value" for each reading with a text key, in order.
std::string text_fields(const std::vector<MetricReading>& readings);

// A Prometheus label value: backslash, double quote and newline escaped.
std::string prometheus_label_value(std::string_view text);
// The samples of one family: {"{labels}" or "", value}.
using PrometheusSamples = std::vector<std::pair<std::string, double>>;
// HELP and TYPE once, then each sample; nothing for a family without samples.
void prometheus_family(std::string& out, std::string_view name, MetricType type, std::string_view help,
                       const PrometheusSamples& samples);

} // namespace redops::output
