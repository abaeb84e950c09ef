// `redops dedupe check|forget`: peek at, set or remove the services' message de-duplication marks.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "output/progress.h"
#include "output/time_format.h"
#include "output/view.h"
#include "repo/dedupe_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace redops::cli {

namespace {

using output::Json;

// Which marks: a tenant and its message ids, from --id and --ids-file.
struct MarkIds {
    std::string tenant;
    std::vector<std::string> ids;
    std::string ids_file;
};

struct CheckOptions {
    MarkIds marks;
    bool mark = false;
    std::optional<long long> ttl_s;
};

struct ForgetOptions {
    MarkIds marks;
};

// Ids from --id (each "-" reads stdin once, one id per line) and --ids-file; an explicit empty --id is refused.
std::vector<std::string> collect_ids(const MarkIds& o, Context& ctx)
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

int run_check(const CheckOptions& o, Context& ctx)
{
    require_nonempty("--tenant", o.marks.tenant);
    auto ids = collect_ids(o.marks, ctx);
    const auto& settings = ctx.settings();
    long long ttl = o.ttl_s.value_or(settings.defaults.dedupe_ttl_s.value);
    repo::DedupeRepository marks(ctx.client(), settings.keys.dedupe.value);
    auto results = marks.check(o.marks.tenant, ids, o.mark, ttl);
    long long duplicates = 0;
    Json listed = Json::array();
    for (const auto& r : results) {
        duplicates += r.duplicate ? 1 : 0;
        listed.push_back({{"id", r.id}, {"duplicate", r.duplicate}, {"ttl_s", r.ttl_s ? Json(*r.ttl_s) : nullptr}});
    }
    const auto total = static_cast<long long>(results.size());
    Json fields{{"tenant", o.marks.tenant}, {"marked", o.mark},          {"ids", std::move(listed)},
                {"total", total},           {"new", total - duplicates}, {"duplicates", duplicates}};
    auto text = [&](output::Printer& out) {
        output::Table table({"ID", "STATUS", "TTL"});
        table.align_right(2);
        for (const auto& r : results) {
            table.add_row({{r.id},
                           {r.duplicate ? "duplicate" : (o.mark ? "new (marked)" : "new"),
                            r.duplicate ? output::Color::yellow : output::Color::green},
                           {r.ttl_s ? output::human_duration_s(*r.ttl_s) : "-"}});
        }
        out.table(table);
        out.note(
            fmt::format("{} id{}: {} new, {} duplicate", total, total == 1 ? "" : "s", total - duplicates, duplicates));
    };
    return output::render(ctx.printer(), {fields, text}, duplicates == 0 ? k_exit_ok : k_exit_negative);
}

int run_forget(const ForgetOptions& o, Context& ctx)
{
    require_nonempty("--tenant", o.marks.tenant);
    auto ids = collect_ids(o.marks, ctx);
    repo::DedupeRepository marks(ctx.client(), ctx.settings().keys.dedupe.value);
    long long removed = 0;
    {
        InterruptScope graceful; // from here a signal stops the work between two batches, and it says what it did
        output::Progress progress = ctx.printer().progress("dedupe forget");
        removed = marks.forget(o.marks.tenant, ids,
                               [&](long long sent, long long done) { progress.update(sent, done); });
    }
    const std::size_t requested = ids.size();
    auto text = [&](output::Printer& out) {
        out.line(fmt::format("forgot {} of {} mark{}", removed, requested, requested == 1 ? "" : "s"));
    };
    // Nothing removed is the "miss" answer: the id was not marked (or the mark had already expired).
    return output::render(ctx.printer(),
                          {Json{{"tenant", o.marks.tenant}, {"requested", requested}, {"forgotten", removed}}, text},
                          removed > 0 ? k_exit_ok : k_exit_negative);
}

// --tenant, --id and --ids-file: the marks a subcommand works on.
void add_mark_ids(CLI::App& app, MarkIds& marks, const std::string& id_help)
{
    app.add_option("--tenant", marks.tenant, "Tenant id, taken literally");
    app.add_option("--id", marks.ids, id_help);
    app.add_option("--ids-file", marks.ids_file, "Read ids from this file, one per line");
}

} // namespace

void register_dedupe(CLI::App& app, Runner& selected)
{
    CLI::App* group = add_group(app, "dedupe", "Message de-duplication marks: check, forget");
    add_examples(*group, {"redops dedupe check --tenant acme --id msg-1001",
                          "redops dedupe forget --tenant acme --id msg-1001"});

    auto check = add_command(*group, selected, "check", "Is a message id new? With --mark, mark it atomically",
                             run_check);
    add_examples(*check.app, {"redops dedupe check --tenant acme --id msg-1001",
                              "redops dedupe check --tenant acme --id msg-1001 --mark --ttl 3600",
                              "redops dedupe check --tenant acme --ids-file ids.txt --json"});
    add_mark_ids(*check.app, check.options.marks, "Message id (repeatable; - reads ids from stdin, one per line)");
    check.app->add_flag("--mark", check.options.mark, "Mark the ids (SET NX EX, as the services do)");
    check.app->add_option("--ttl", check.options.ttl_s, "TTL of a new mark in seconds (default from config, 86400)")
        ->check(integer_in(config::k_ttl_seconds_range));

    auto forget = add_command(*group, selected, "forget", "Remove marks so messages can be reprocessed", run_forget);
    add_examples(*forget.app, {"redops dedupe forget --tenant acme --id msg-1001",
                               "redops dedupe forget --tenant acme --ids-file ids.txt"});
    add_mark_ids(*forget.app, forget.options.marks, "Message id (repeatable; - reads ids from stdin)");
}

} // namespace redops::cli
