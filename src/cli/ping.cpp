// `redops ping`: connectivity, latency, role and version per node, with thresholds and a Nagios format.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/nagios_options.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/nagios.h"
#include "output/table.h"
#include "output/text_width.h"
#include "output/view.h"
#include "repo/health_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>

namespace redops::cli {

namespace {

struct PingOptions {
    int count = 1;
    std::optional<std::chrono::milliseconds> interval;
    std::optional<output::NagiosRange> warn_ms;
    std::optional<output::NagiosRange> crit_ms;
    std::string format = "default";
};

enum class Verdict { ok = 0, warning = 1, critical = 2 };

Verdict verdict_of(const repo::NodePing& node, const PingOptions& o)
{
    if (!node.reachable || (!node.cluster_state.empty() && node.cluster_state != "ok") ||
        (!node.master_link_status.empty() && node.master_link_status != "up")) {
        return Verdict::critical;
    }
    auto ptr = [](const std::optional<output::NagiosRange>& r) { return r ? &*r : nullptr; };
    return static_cast<Verdict>(output::nagios_state(node.max_ms, ptr(o.warn_ms), ptr(o.crit_ms)));
}

std::string_view verdict_name(Verdict v)
{
    static constexpr std::array<std::string_view, 3> k_names{"ok", "warning", "critical"}; // in Verdict's order
    return k_names.at(static_cast<std::size_t>(v));
}

std::string ms(double value)
{
    return fmt::format("{:.3f}", value);
}

nlohmann::ordered_json node_json(const repo::NodePing& n, Verdict v)
{
    nlohmann::ordered_json j;
    j["address"] = n.address;
    j["reachable"] = n.reachable;
    j["role"] = n.role;
    j["version"] = n.version;
    j["mode"] = n.mode;
    if (!n.cluster_state.empty()) {
        j["cluster_state"] = n.cluster_state;
    }
    if (!n.master_link_status.empty()) {
        j["master_link_status"] = n.master_link_status;
        j["master"] = n.master.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(n.master);
    }
    j["samples"] = n.samples;
    j["latency_ms"] = n.avg_ms;
    j["min_latency_ms"] = n.min_ms;
    j["max_latency_ms"] = n.max_ms;
    j["status"] = n.reachable ? verdict_name(v) : "unreachable";
    if (!n.reachable) {
        j["error"] = {{"kind", kind_name(*n.error_kind)}, {"message", n.error}};
    }
    return j;
}

// " master_link:down (master 10.0.0.5:6379)" for a replica whose link is not up; empty otherwise.
std::string link_note(const repo::NodePing& n)
{
    if (n.master_link_status.empty() || n.master_link_status == "up") {
        return {};
    }
    return fmt::format(" master_link:{}{}", n.master_link_status, n.master.empty() ? "" : " (master " + n.master + ")");
}

void render_nagios(Context& ctx, const std::vector<repo::NodePing>& nodes, const PingOptions& o, Verdict worst)
{
    static const output::NagiosRange k_link_must_be_up = *output::parse_nagios_range("1:");
    std::string summary;
    std::vector<output::PerfItem> perfdata;
    for (const auto& n : nodes) {
        if (!summary.empty()) {
            summary += ", ";
        }
        summary += n.reachable ? fmt::format("{} {} {} {}ms", n.address, n.role, n.version, ms(n.max_ms))
                               : fmt::format("{} unreachable: {}", n.address, n.error);
        if (n.reachable && !n.cluster_state.empty() && n.cluster_state != "ok") {
            summary += " cluster_state:" + n.cluster_state;
        }
        summary += link_note(n);
        perfdata.push_back({n.address + "_latency", n.reachable ? std::optional<double>(n.max_ms) : std::nullopt, "ms",
                            o.warn_ms ? &*o.warn_ms : nullptr, o.crit_ms ? &*o.crit_ms : nullptr, 0.0, std::nullopt});
        if (!n.master_link_status.empty()) {
            perfdata.push_back({n.address + "_master_link_up", n.master_link_status == "up" ? 1.0 : 0.0, "", nullptr,
                                &k_link_must_be_up, 0.0, 1.0});
        }
    }
    ctx.printer().line(output::sanitize_for_terminal(
        output::nagios_line("REDIS", static_cast<output::NagiosState>(worst), summary, perfdata)));
}

std::vector<output::Cell> node_row(const repo::NodePing& n, Verdict v)
{
    if (!n.reachable) {
        return {{n.address}, {"-"}, {"-"}, {"-"}, {"-"}, {"-"}, {"unreachable: " + n.error, output::Color::red}};
    }
    output::Color colour = v == Verdict::ok        ? output::Color::green
                           : v == Verdict::warning ? output::Color::yellow
                                                   : output::Color::red;
    std::string status(verdict_name(v));
    if (!n.cluster_state.empty() && n.cluster_state != "ok") {
        status += " (cluster_state " + n.cluster_state + ")";
    }
    if (!n.master_link_status.empty()) {
        status += " (master_link " + n.master_link_status + ")"; // a replica always shows its link
    }
    return {{n.address}, {n.role}, {n.version}, {ms(n.min_ms)}, {ms(n.avg_ms)}, {ms(n.max_ms)}, {status, colour}};
}

int run_ping(const PingOptions& o, Context& ctx);

// Nagios plugins answer every failure with a status line: CRITICAL when Redis is down (what the check is for),
// UNKNOWN otherwise. main's catch writes it.
ErrorStyle ping_errors(const PingOptions& o)
{
    return o.format == "nagios" ? ErrorStyle{"REDIS", true} : ErrorStyle{};
}

int run_ping(const PingOptions& o, Context& ctx)
{
    repo::HealthRepository health(ctx.client());
    std::vector<repo::NodePing> nodes = health.ping(o.count, o.interval.value_or(std::chrono::seconds(1)));

    Verdict worst = Verdict::ok;
    bool unreachable = false;
    for (const auto& n : nodes) {
        worst = std::max(worst, verdict_of(n, o));
        unreachable = unreachable || !n.reachable;
    }
    if (o.format == "nagios") {
        render_nagios(ctx, nodes, o, worst);
        return static_cast<int>(worst);
    }
    // Only --crit fails a plain ping; --warn is reported but exits 0 (in nagios format it is a WARNING).
    int exit_code = unreachable ? k_exit_unavailable : (worst == Verdict::critical ? k_exit_negative : k_exit_ok);
    nlohmann::ordered_json fields;
    fields["topology"] = ctx.client().topology();
    fields["status"] = unreachable ? "unreachable" : verdict_name(worst);
    fields["nodes"] = nlohmann::ordered_json::array();
    for (const auto& n : nodes) {
        fields["nodes"].push_back(node_json(n, verdict_of(n, o)));
    }
    auto text = [&](output::Printer& out) {
        output::Table table({"NODE", "ROLE", "VERSION", "MIN_MS", "AVG_MS", "MAX_MS", "STATUS"});
        for (size_t c = 3; c <= 5; ++c) {
            table.align_right(c);
        }
        for (const auto& n : nodes) {
            table.add_row(node_row(n, verdict_of(n, o)));
        }
        out.table(table);
    };
    return output::render(ctx.printer(), {fields, text}, exit_code);
}

} // namespace

void register_ping(CLI::App& app, Runner& selected)
{
    auto ping = add_command(app, selected, "ping", "Connectivity, latency, role and version per node", run_ping,
                            ping_errors);
    add_examples(*ping.app, {"redops ping", "redops --url rediss://cache.internal:6380 --cacert ca.pem ping --json",
                             "redops ping --count 5 --interval 200ms --format nagios --warn 5 --crit 50"});
    PingOptions& o = ping.options;
    CLI::App& sub = *ping.app;
    sub.add_option("-c,--count", o.count, "Number of PINGs per node (default 1)")
        ->check(integer_in(config::k_count_range));
    add_duration(sub, "-i,--interval", o.interval, "Pause between PINGs (default 1s)", config::k_interval_range);
    add_threshold(sub, "--warn", o.warn_ms, "Warn when a latency in ms is outside RANGE (e.g. 50: above 50)");
    add_threshold(sub, "--crit", o.crit_ms, "Fail (exit 1) when a latency in ms is outside RANGE");
    sub.add_option("--format", o.format, "nagios: one plugin line with perfdata, exit 0/1/2/3")
        ->check(CLI::IsMember({"default", "nagios"}));
    // Checked when the command line is parsed, so a contradiction exits 2 before anything is sent.
    sub.parse_complete_callback([&o] { check_threshold_order(o.warn_ms, o.crit_ms, "--warn", "--crit"); });
}

} // namespace redops::cli
