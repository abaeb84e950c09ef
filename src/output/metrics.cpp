#include "output/metrics.h"

#include <fmt/format.h>

namespace redops::output {

namespace {

std::string text_value(const nlohmann::ordered_json& value, int decimals)
{
    if (value.is_null()) {
        return "-";
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (decimals >= 0 && value.is_number()) {
        return fmt::format("{:.{}f}", value.get<double>(), decimals);
    }
    return value.dump();
}

} // namespace

std::string_view metric_type_name(MetricType type)
{
    return type == MetricType::counter ? "counter" : "gauge";
}

void add_json_fields(nlohmann::ordered_json& doc, const std::vector<MetricReading>& readings)
{
    for (const auto& reading : readings) {
        if (!reading.spec->json.empty()) {
            doc[std::string(reading.spec->json)] = reading.value;
        }
    }
}

std::string text_fields(const std::vector<MetricReading>& readings)
{
    std::string out;
    for (const auto& reading : readings) {
        if (!reading.spec->text.empty()) {
            out += fmt::format(" {}={}", reading.spec->text, text_value(reading.value, reading.spec->text_decimals));
        }
    }
    return out;
}

std::string prometheus_label_value(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void prometheus_family(std::string& out, std::string_view name, MetricType type, std::string_view help,
                       const PrometheusSamples& samples)
{
    if (samples.empty()) {
        return;
    }
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, metric_type_name(type));
    for (const auto& [labels, value] : samples) {
        // Integers as integers; others with enough digits to round-trip.
        out += fmt::format("{}{} {}\n", name, labels, value);
    }
}

} // namespace redops::output
