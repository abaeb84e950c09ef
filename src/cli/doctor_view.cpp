#include "cli/doctor_view.h"

#include "output/text_width.h"

#include <fmt/format.h>

#include <array>
#include <sstream>

namespace redops::cli {

namespace {

using repo::DoctorCheck;

std::string_view repair_text(DoctorCheck check)
{
    switch (check) {
    case DoctorCheck::no_ttl: return "PEXPIRE to the kind's TTL";
    case DoctorCheck::token_expired: return "UNLINK";
    case DoctorCheck::token_ttl_too_long: return "PEXPIREAT expiresAt - buffer";
    case DoctorCheck::malformed: return "UNLINK with --delete-malformed";
    case DoctorCheck::stale_index_entry: return "SREM";
    case DoctorCheck::unindexed_session: return "SADD, PEXPIRE index";
    case DoctorCheck::index_ttl_short: return "PEXPIRE index";
    default: return "none (report)";
    }
}

// The key as shown: a session id inside it masked unless --reveal.
std::string shown_key(const output::Printer& printer, const repo::DoctorExample& example)
{
    std::string key = example.key;
    if (!example.key_secret.empty() && !printer.reveal()) {
        auto at = key.rfind(example.key_secret);
        if (at != std::string::npos) {
            key.replace(at, example.key_secret.size(), printer.secret(example.key_secret));
        }
    }
    return key;
}

nlohmann::ordered_json example_json(const output::Printer& printer, const repo::DoctorExample& example)
{
    nlohmann::ordered_json doc;
    doc["key"] = shown_key(printer, example);
    if (!example.member.empty()) {
        doc["member"] = printer.secret(example.member);
    }
    doc["detail"] = example.detail;
    return doc;
}

std::string example_text(const output::Printer& printer, const repo::DoctorExample& example)
{
    std::string text = shown_key(printer, example);
    if (!example.member.empty()) {
        text += " " + printer.secret(example.member);
    }
    return text;
}

double share(long long count, long long scanned)
{
    return scanned > 0 ? static_cast<double>(count) / static_cast<double>(scanned) : 0.0;
}

std::string_view fix_mode_name(FixMode mode)
{
    static constexpr std::array<std::string_view, 3> k_names{"none", "dry_run", "applied"}; // in FixMode's order
    return k_names.at(static_cast<std::size_t>(mode));
}

} // namespace

std::array<long long, repo::k_doctor_check_count> planned_per_check(const repo::DoctorReport& report)
{
    std::array<long long, repo::k_doctor_check_count> planned{};
    for (const auto& repair : report.repairs) {
        ++planned[static_cast<std::size_t>(repair.check)];
    }
    return planned;
}

std::string planned_summary(const repo::DoctorReport& report)
{
    auto planned = planned_per_check(report);
    std::vector<std::string> parts;
    for (DoctorCheck check : repo::all_checks()) {
        if (long long n = planned[static_cast<std::size_t>(check)]; n > 0) {
            parts.push_back(fmt::format("{} {} ({})", check_name(check), n, repair_text(check)));
        }
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

nlohmann::ordered_json doctor_json(const DoctorView& view, const output::Printer& printer)
{
    const auto& report = view.report;
    auto planned = planned_per_check(report);
    nlohmann::ordered_json checks = nlohmann::ordered_json::object();
    for (DoctorCheck check : repo::all_checks()) {
        const auto index = static_cast<std::size_t>(check);
        const auto& tally = report.tally(check);
        nlohmann::ordered_json entry;
        entry["count"] = tally.count;
        entry["share"] = share(tally.count, report.scanned);
        entry["examples"] = nlohmann::ordered_json::array();
        for (const auto& example : tally.examples) {
            entry["examples"].push_back(example_json(printer, example));
        }
        entry["repair"] = repair_text(check);
        entry["planned"] = planned[index];
        if (view.repairs) {
            const auto& outcome = (*view.repairs)[index];
            entry["applied"] = outcome.applied;
            entry["skipped_changed"] = outcome.skipped;
            entry["failed"] = outcome.failed;
        }
        checks[std::string(check_name(check))] = std::move(entry);
    }
    nlohmann::ordered_json doc;
    doc["findings"] = report.findings();
    doc["checks"] = std::move(checks);
    doc["unknown_prefixes"] = report.unknown_prefixes;
    doc["scanned"] = report.scanned;
    doc["audited"] = report.audited;
    doc["vanished"] = report.vanished;
    nlohmann::ordered_json ambiguous;
    ambiguous["count"] = report.skipped_ambiguous.count;
    ambiguous["first"] = report.skipped_ambiguous.first;
    doc["skipped_ambiguous"] = std::move(ambiguous);
    doc["nodes"] = nlohmann::ordered_json::array();
    for (const auto& [node, scanned] : report.per_node) {
        doc["nodes"].push_back({{"node", node}, {"scanned", scanned}});
    }
    doc["elapsed_ms"] = report.elapsed.count();
    nlohmann::ordered_json fix;
    fix["mode"] = fix_mode_name(view.fix);
    fix["planned"] = static_cast<long long>(report.repairs.size());
    fix["over_limit"] = report.repairs_over_limit;
    if (view.repairs) {
        long long applied = 0;
        long long skipped = 0;
        long long failed = 0;
        for (const auto& outcome : *view.repairs) {
            applied += outcome.applied;
            skipped += outcome.skipped;
            failed += outcome.failed;
        }
        fix["applied"] = applied;
        fix["skipped_changed"] = skipped;
        fix["failed"] = failed;
    }
    doc["fix"] = std::move(fix);
    if (!view.error.empty()) {
        doc["error"] = {{"kind", kind_name(view.error_kind)}, {"message", view.error}};
    }
    return doc;
}

void print_doctor_table(const DoctorView& view, output::Printer& printer)
{
    const auto& report = view.report;
    auto planned = planned_per_check(report);
    std::vector<std::string> headers{"CHECK", "COUNT", "SHARE", "REPAIR"};
    if (view.fix != FixMode::none) {
        headers.emplace_back("PLANNED");
    }
    if (view.repairs) {
        headers.insert(headers.end(), {"APPLIED", "SKIPPED", "FAILED"});
    }
    headers.emplace_back("EXAMPLES");
    output::Table table(headers);
    for (std::size_t column = 1; column + 1 < headers.size(); ++column) {
        if (column != 3) {
            table.align_right(column);
        }
    }
    for (DoctorCheck check : repo::all_checks()) {
        const auto index = static_cast<std::size_t>(check);
        const auto& tally = report.tally(check);
        std::vector<std::string> row{std::string(check_name(check)), std::to_string(tally.count),
                                     fmt::format("{:.2f}%", 100.0 * share(tally.count, report.scanned)),
                                     std::string(repair_text(check))};
        if (view.fix != FixMode::none) {
            row.push_back(std::to_string(planned[index]));
        }
        if (view.repairs) {
            const auto& outcome = (*view.repairs)[index];
            row.insert(row.end(), {std::to_string(outcome.applied), std::to_string(outcome.skipped),
                                   std::to_string(outcome.failed)});
        }
        std::vector<std::string> examples;
        for (std::size_t i = 0; i < tally.examples.size() && i < 3; ++i) {
            examples.push_back(example_text(printer, tally.examples[i]));
        }
        row.push_back(examples.empty() ? "-" : fmt::format("{}", fmt::join(examples, ", ")));
        table.add_row(std::move(row));
    }
    printer.table(table);
    printer.line(fmt::format("{} finding{} in {} keys ({} of known kinds) on {} node{} in {:.1f}s", report.findings(),
                             report.findings() == 1 ? "" : "s", report.scanned, report.audited, report.per_node.size(),
                             report.per_node.size() == 1 ? "" : "s",
                             static_cast<double>(report.elapsed.count()) / 1000.0));
    if (!report.unknown_prefixes.empty()) {
        std::vector<std::string> parts;
        for (const auto& [prefix, count] : report.unknown_prefixes) {
            if (parts.size() == 10) {
                parts.emplace_back("...");
                break;
            }
            parts.push_back(fmt::format("{} {}", output::sanitize_for_terminal(prefix), count));
        }
        printer.line(fmt::format("unknown prefixes: {}", fmt::join(parts, ", ")));
    }
    if (report.skipped_ambiguous.count > 0) {
        printer.warn(fmt::format("{} key{} fit more than one kind's template and were not audited (first: {})",
                                 report.skipped_ambiguous.count, report.skipped_ambiguous.count == 1 ? "" : "s",
                                 output::sanitize_for_terminal(report.skipped_ambiguous.first.front())));
    }
}

std::string doctor_prometheus(const DoctorView& view)
{
    const auto& report = view.report;
    std::ostringstream out;
    out << "# HELP redops_doctor_findings Keys each doctor check found.\n"
        << "# TYPE redops_doctor_findings gauge\n";
    for (DoctorCheck check : repo::all_checks()) {
        out << "redops_doctor_findings{check=\"" << check_name(check) << "\"} " << report.tally(check).count << "\n";
    }
    out << "# HELP redops_doctor_keys_scanned Keys the SCAN pass returned.\n"
        << "# TYPE redops_doctor_keys_scanned gauge\n"
        << "redops_doctor_keys_scanned " << report.scanned << "\n"
        << "# HELP redops_doctor_duration_seconds How long the pass took.\n"
        << "# TYPE redops_doctor_duration_seconds gauge\n"
        << fmt::format("redops_doctor_duration_seconds {:.3f}\n", static_cast<double>(report.elapsed.count()) / 1000.0);
    if (view.repairs) {
        out << "# HELP redops_doctor_repairs Repairs by check and outcome.\n"
            << "# TYPE redops_doctor_repairs gauge\n";
        for (DoctorCheck check : repo::all_checks()) {
            const auto& o = (*view.repairs)[static_cast<std::size_t>(check)];
            for (auto [outcome, n] :
                 {std::pair{"applied", o.applied}, {"skipped_changed", o.skipped}, {"failed", o.failed}}) {
                out << "redops_doctor_repairs{check=\"" << check_name(check) << "\",outcome=\"" << outcome << "\"} "
                    << n << "\n";
            }
        }
    }
    return out.str();
}

std::string doctor_nagios(const DoctorView& view, int state, std::optional<long long> warn,
                          std::optional<long long> crit)
{
    static constexpr std::array<const char*, 4> k_state{"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    const auto& report = view.report;
    std::string perfdata;
    for (DoctorCheck check : repo::all_checks()) {
        perfdata += fmt::format("{}={};{};{};0 ", check_name(check), report.tally(check).count,
                                warn ? std::to_string(*warn) : "", crit ? std::to_string(*crit) : "");
    }
    perfdata += fmt::format("scanned={};;;0", report.scanned);
    std::vector<std::string> found;
    for (DoctorCheck check : repo::all_checks()) {
        if (long long n = report.tally(check).count; n > 0) {
            found.push_back(fmt::format("{} {}", check_name(check), n));
        }
    }
    std::string summary = found.empty() ? fmt::format("no findings in {} keys", report.scanned)
                                        : fmt::format("{} findings in {} keys: {}", report.findings(), report.scanned,
                                                      fmt::join(found, ", "));
    return fmt::format("REDOPS DOCTOR {} - {} | {}", k_state.at(static_cast<std::size_t>(state)), summary, perfdata);
}

} // namespace redops::cli
