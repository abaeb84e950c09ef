// `redops ping`: connectivity, latency, role and version per node, with thresholds and a Nagios format.
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/error_words.h"
#include "cli/nagios_options.h"
#include "common/error.h"
#include "config/duration.h"
#include "output/nagios.h"
#include "output/table.h"
#include "output/text_width.h"
#include "repo/health_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace redops::cli {

namespace {

struct PingOptions {
    int count = 1;
    std::string interval = "1s";
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
    switch (v) {
    case Verdict::ok: return "ok";
    case Verdict::warning: return "warning";
    case Verdict::critical: return "critical";
    }
    return "unknown";
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

int run_ping(const PingOptions& o, Context& ctx);

// Nagios plugins answer every failure with a status line: CRITICAL when Redis is down, UNKNOWN otherwise.
int run_ping_nagios(const PingOptions& o, Context& ctx)
{
    try {
        return run_ping(o, ctx);
    } catch (const Error& e) {
        // Redis not answering is what the check is for (CRITICAL); anything else means it could not check (UNKNOWN).
        bool down = exit_code_for(e.kind()) == k_exit_unavailable;
        auto state = down ? output::NagiosState::critical : output::NagiosState::unknown;
        ctx.printer().line(output::sanitize_for_terminal(output::nagios_line("REDIS", state, in_user_words(e), {})));
        return static_cast<int>(state);
    }
}

// Runs when the command line is parsed, so a contradiction exits 2 before anything is sent.
void validate(const PingOptions& o)
{
    check_threshold_order(o.warn_ms, o.crit_ms, "--warn", "--crit");
    if (o.format != "default" && o.format != "nagios") {
        throw Error(ErrorKind::usage, fmt::format("unknown --format \"{}\" (use nagios)", o.format));
    }
}

int run_ping(const PingOptions& o, Context& ctx)
{
    if (o.count < 1) {
        throw Error(ErrorKind::usage, fmt::format("--count must be at least 1, got {}", o.count));
    }
    if (o.format != "default" && o.format != "nagios") {
        throw Error(ErrorKind::usage, fmt::format("unknown --format \"{}\" (use nagios)", o.format));
    }
    auto interval = config::parse_duration(o.interval);
    repo::HealthRepository health(ctx.client());
    std::vector<repo::NodePing> nodes = health.ping(o.count, interval);

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
    if (ctx.printer().json()) {
        nlohmann::ordered_json doc;
        doc["ok"] = exit_code == k_exit_ok;
        doc["topology"] = ctx.client().topology();
        doc["status"] = unreachable ? "unreachable" : verdict_name(worst);
        doc["nodes"] = nlohmann::ordered_json::array();
        for (const auto& n : nodes) {
            doc["nodes"].push_back(node_json(n, verdict_of(n, o)));
        }
        ctx.printer().json_document(doc);
        return exit_code;
    }
    output::Table table({"NODE", "ROLE", "VERSION", "MIN_MS", "AVG_MS", "MAX_MS", "STATUS"});
    for (size_t c = 3; c <= 5; ++c) {
        table.align_right(c);
    }
    for (const auto& n : nodes) {
        Verdict v = verdict_of(n, o);
        if (!n.reachable) {
            table.add_row({{n.address}, {"-"}, {"-"}, {"-"}, {"-"}, {"-"}, {"unreachable: " + n.error, output::Color::red}});
            continue;
        }
        output::Color colour = v == Verdict::ok ? output::Color::green
                               : v == Verdict::warning ? output::Color::yellow : output::Color::red;
        std::string status(verdict_name(v));
        if (!n.cluster_state.empty() && n.cluster_state != "ok") {
            status += " (cluster_state " + n.cluster_state + ")";
        }
        if (!n.master_link_status.empty()) {
            status += " (master_link " + n.master_link_status + ")"; // a replica always shows its link
        }
        table.add_row({{n.address}, {n.role}, {n.version}, {ms(n.min_ms)}, {ms(n.avg_ms)}, {ms(n.max_ms)},
                       {status, colour}});
    }
    ctx.printer().table(table);
    return exit_code;
}

} // namespace

void register_ping(CLI::App& app, Runner& selected)
{
    auto options = std::make_shared<PingOptions>();
    CLI::App* sub = app.add_subcommand("ping", "Connectivity, latency, role and version per node");
    sub->add_option("-c,--count", options->count, "Number of PINGs per node (default 1)")
        ->check(integer_in(config::k_count_range));
    sub->add_option("-i,--interval", options->interval, "Pause between PINGs (default 1s)")
        ->check(duration_in(config::k_interval_range));
    add_threshold(*sub, "--warn", options->warn_ms, "Warn when a latency in ms is outside RANGE (e.g. 50: above 50)");
    add_threshold(*sub, "--crit", options->crit_ms, "Fail (exit 1) when a latency in ms is outside RANGE");
    sub->add_option("--format", options->format, "nagios: one plugin line with perfdata, exit 0/1/2/3");
    sub->callback([options, &selected] {
        validate(*options);
        selected = [options](Context& ctx) {
            return options->format == "nagios" ? run_ping_nagios(*options, ctx) : run_ping(*options, ctx);
        };
    });
}

} // namespace redops::cli
