// How `redops doctor` shows its result: a table per check for people, one JSON document, Nagios, Prometheus.
#pragma once

#include "common/error.h"
#include "output/printer.h"
#include "repo/doctor_types.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace redops::cli {

enum class FixMode { none, dry_run, applied };

// The run as the views need it: the scan's report and, after --fix, what the repairs did.
struct DoctorView {
    const repo::DoctorReport& report;
    FixMode fix = FixMode::none;
    std::optional<repo::RepairReport> repairs; // set when repairs were attempted
    int exit_code = 0;
    std::string error; // set when repairs failed or were interrupted: the JSON document carries it
    ErrorKind error_kind = ErrorKind::server;
};

// Planned repairs per check.
std::array<long long, repo::k_doctor_check_count> planned_per_check(const repo::DoctorReport& report);
// "no_ttl 3, token_expired 1" — the planned repairs per check, for prompts and refusals.
std::string planned_summary(const repo::DoctorReport& report);

nlohmann::ordered_json doctor_json(const DoctorView& view, const output::Printer& printer);
void print_doctor_table(const DoctorView& view, output::Printer& printer);
// The text exposition format: redops_doctor_findings{check="..."} and the scan's figures.
std::string doctor_prometheus(const DoctorView& view);
// One Nagios plugin line; `state` 0 OK, 1 WARNING, 2 CRITICAL.
std::string doctor_nagios(const DoctorView& view, int state, std::optional<long long> warn,
                          std::optional<long long> crit);

} // namespace redops::cli
