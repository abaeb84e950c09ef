// `redops dedupe check|forget`: peek at, set or remove the services' message de-duplication marks.
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "common/error.h"
#include "output/progress.h"
#include "output/time_format.h"
#include "repo/dedupe_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace redops::cli {

namespace {

struct DedupeOptions {
    std::string tenant;
    std::vector<std::string> ids;
    std::string ids_file;
    bool mark = false;
    std::optional<long long> ttl_s;
};

// Ids from --id (each "-" reads stdin once, one id per line) and --ids-file; an explicit empty --id is refused.
std::vector<std::string> collect_ids(const DedupeOptions& o, Context& ctx)
{
    std::vector<std::string> ids;
    bool stdin_read = false;
    for (const auto& id : o.ids) {
        require_nonempty("--id", id);
        if (id != "-") {
            ids.push_back(id);
        } else if (!stdin_read) {
            stdin_read = true;
            auto lines = read_lines(ctx.terminal().in);
            ids.insert(ids.end(), lines.begin(), lines.end());
        }
    }
    if (!o.ids_file.empty()) {
        auto lines = read_file_lines(o.ids_file);
        ids.insert(ids.end(), lines.begin(), lines.end());
    }
    if (ids.empty()) {
        throw Error(ErrorKind::usage, "no ids given (use --id ID, --id - for stdin, or --ids-file F)");
    }
    return ids;
}

int run_check(const DedupeOptions& o, Context& ctx)
{
    require_nonempty("--tenant", o.tenant);
    auto ids = collect_ids(o, ctx);
    const auto& settings = ctx.settings();
    long long ttl = o.ttl_s.value_or(settings.defaults.dedupe_ttl_s.value);
    repo::DedupeRepository marks(ctx.client(), settings.keys.dedupe.value);
    auto results = marks.check(o.tenant, ids, o.mark, ttl);
    long long duplicates = 0;
    for (const auto& r : results) {
        duplicates += r.duplicate ? 1 : 0;
    }
    int exit_code = duplicates == 0 ? k_exit_ok : k_exit_negative;
    auto& printer = ctx.printer();
    if (printer.json()) {
        nlohmann::ordered_json doc;
        doc["tenant"] = o.tenant;
        doc["marked"] = o.mark;
        doc["ids"] = nlohmann::ordered_json::array();
        for (const auto& r : results) {
            doc["ids"].push_back({{"id", r.id},
                                  {"duplicate", r.duplicate},
                                  {"ttl_s", r.ttl_s ? nlohmann::ordered_json(*r.ttl_s) : nullptr}});
        }
        doc["total"] = results.size();
        doc["new"] = static_cast<long long>(results.size()) - duplicates;
        doc["duplicates"] = duplicates;
        doc["ok"] = exit_code == k_exit_ok;
        printer.json_document(doc);
        return exit_code;
    }
    output::Table table({"ID", "STATUS", "TTL"});
    table.align_right(2);
    for (const auto& r : results) {
        table.add_row({{r.id},
                       {r.duplicate ? "duplicate" : (o.mark ? "new (marked)" : "new"),
                        r.duplicate ? output::Color::yellow : output::Color::green},
                       {r.ttl_s ? output::human_duration_s(*r.ttl_s) : "-"}});
    }
    printer.table(table);
    printer.note(fmt::format("{} id{}: {} new, {} duplicate", results.size(), results.size() == 1 ? "" : "s",
                             static_cast<long long>(results.size()) - duplicates, duplicates));
    return exit_code;
}

int run_forget(const DedupeOptions& o, Context& ctx)
{
    require_nonempty("--tenant", o.tenant);
    auto ids = collect_ids(o, ctx);
    repo::DedupeRepository marks(ctx.client(), ctx.settings().keys.dedupe.value);
    long long removed = 0;
    {
        output::Progress progress = ctx.printer().progress("dedupe forget");
        removed = marks.forget(o.tenant, ids, [&](long long sent, long long done) { progress.update(sent, done); });
    }
    // Nothing removed is the "miss" answer: the id was not marked (or the mark had already expired).
    int exit_code = removed > 0 ? k_exit_ok : k_exit_negative;
    if (ctx.printer().json()) {
        ctx.printer().json_document(
            {{"tenant", o.tenant}, {"requested", ids.size()}, {"forgotten", removed}, {"ok", exit_code == k_exit_ok}});
    } else {
        ctx.printer().line(fmt::format("forgot {} of {} mark{}", removed, ids.size(), ids.size() == 1 ? "" : "s"));
    }
    return exit_code;
}

} // namespace

void register_dedupe(CLI::App& app, Runner& selected)
{
    auto o = std::make_shared<DedupeOptions>();
    CLI::App* group = app.add_subcommand("dedupe", "Message de-duplication marks: check, forget");
    group->require_subcommand(1);

    CLI::App* check = group->add_subcommand("check", "Is a message id new? With --mark, mark it atomically");
    check->add_option("--tenant", o->tenant, "Tenant id, taken literally");
    check->add_option("--id", o->ids, "Message id (repeatable; - reads ids from stdin, one per line)");
    check->add_option("--ids-file", o->ids_file, "Read ids from this file, one per line");
    check->add_flag("--mark", o->mark, "Mark the ids (SET NX EX, as the services do)");
    check->add_option("--ttl", o->ttl_s, "TTL of a new mark in seconds (default from config, 86400)")
        ->check(integer_in(config::k_ttl_seconds_range));
    check->callback([o, &selected] { selected = [o](Context& ctx) { return run_check(*o, ctx); }; });

    CLI::App* forget = group->add_subcommand("forget", "Remove marks so messages can be reprocessed");
    forget->add_option("--tenant", o->tenant, "Tenant id, taken literally");
    forget->add_option("--id", o->ids, "Message id (repeatable; - reads ids from stdin)");
    forget->add_option("--ids-file", o->ids_file, "Read ids from this file, one per line");
    forget->callback([o, &selected] { selected = [o](Context& ctx) { return run_forget(*o, ctx); }; });
}

} // namespace redops::cli
