// `redops sessions list|invalidate|prune`: inspect and end user sessions, keep the per-user indexes clean.
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "output/json_fields.h"
#include "output/text_width.h"
#include "output/time_format.h"
#include "output/view.h"
#include "repo/session_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>

namespace redops::cli {

namespace {

// Shorter ids are too likely to match by accident; a prefix names a session only within one user's index.
constexpr std::size_t k_min_prefix = 8;

using output::Json;

struct ListOptions {
    std::string user;
    bool all = false;
    std::optional<long long> limit;
    bool count = false;
};

struct InvalidateOptions {
    std::vector<std::string> sessions;
    std::string user;
    bool dry_run = false;
    bool yes = false;
};

struct PruneOptions {
    std::string user;
    bool all_users = false;
    bool yes = false;
};

repo::SessionRepository repository(Context& ctx)
{
    const auto& s = ctx.settings();
    return repo::SessionRepository(ctx.client(), s.keys.session.value, s.keys.user_index.value,
                                   s.defaults.scan_count.value);
}

std::string status_name(repo::SessionStatus status)
{
    switch (status) {
    case repo::SessionStatus::stale: return "stale";
    case repo::SessionStatus::malformed: return "malformed";
    case repo::SessionStatus::ok: break;
    }
    return "ok";
}

nlohmann::ordered_json entry_json(Context& ctx, const repo::SessionEntry& e)
{
    nlohmann::ordered_json doc;
    doc["id"] = ctx.printer().secret(e.id);
    doc["user"] = e.user.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.user);
    doc["status"] = status_name(e.status);
    if (e.status == repo::SessionStatus::stale) {
        return doc;
    }
    doc["ttl_s"] = output::ttl_or_null(e.ttl_s); // null: the key never expires
    if (e.status == repo::SessionStatus::malformed) {
        doc["error"] = e.problem;
        return doc;
    }
    doc["created_at"] = e.created_at_ms < 0 ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(output::rfc3339_utc_ms(e.created_at_ms));
    doc["remember_me"] = e.remember_me;
    doc["role"] = e.role.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.role);
    doc["email"] = e.email.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.email);
    doc["fields"] = e.other;
    return doc;
}

std::vector<std::string> entry_row(Context& ctx, const repo::SessionEntry& e)
{
    bool ok = e.status == repo::SessionStatus::ok;
    bool stale = e.status == repo::SessionStatus::stale;
    return {ctx.printer().secret(e.id),
            e.user.empty() ? "-" : output::sanitize_for_terminal(e.user),
            ok && e.created_at_ms >= 0 ? output::rfc3339_utc_ms(e.created_at_ms) : "-",
            stale ? "-" : output::human_duration_s(e.ttl_s),
            ok ? (e.remember_me ? "yes" : "no") : "-",
            ok && !e.role.empty() ? output::sanitize_for_terminal(e.role) : "-",
            status_name(e.status)};
}

struct Totals {
    long long total = 0;
    long long stale = 0;
    long long malformed = 0;

    void add(const repo::SessionEntry& e)
    {
        ++total;
        stale += e.status == repo::SessionStatus::stale ? 1 : 0;
        malformed += e.status == repo::SessionStatus::malformed ? 1 : 0;
    }
};

void validate_list(const ListOptions& o)
{
    if (o.all == !o.user.empty()) {
        throw Error(ErrorKind::usage, "sessions list needs exactly one of --user U or --all");
    }
    if (o.limit && *o.limit <= 0) {
        throw Error(ErrorKind::usage, "--limit must be a positive number");
    }
}

int run_list(const ListOptions& o, Context& ctx)
{
    validate_list(o);
    auto& printer = ctx.printer();
    auto sessions = repository(ctx);
    auto each = [&](const repo::SessionCallback& on_entry) {
        if (o.all) {
            sessions.list_all(on_entry, o.limit);
        } else {
            sessions.list_user(o.user, on_entry, o.limit);
        }
    };
    Totals totals;
    auto note = [&](const repo::SessionEntry& e) {
        totals.add(e);
        if (e.status == repo::SessionStatus::malformed) {
            printer.warn(fmt::format("session {}: {}", printer.secret(e.id), e.problem));
        }
    };
    if (o.count) {
        each(note);
        auto text = [&](output::Printer& out) {
            out.line(fmt::format("{} session{} ({} stale, {} malformed)", totals.total, totals.total == 1 ? "" : "s",
                                 totals.stale, totals.malformed));
        };
        return output::render(printer,
                              {Json{{"total", totals.total}, {"stale", totals.stale}, {"malformed", totals.malformed}},
                               text},
                              k_exit_ok);
    }
    InterruptScope graceful; // Ctrl-C ends the listing between two pages, still one valid document
    output::Listing listing(printer, "sessions", {"ID", "USER", "CREATED_AT", "TTL", "REMEMBER_ME", "ROLE", "STATUS"});
    listing.align_right(3);
    each([&](const repo::SessionEntry& e) {
        note(e);
        listing.add([&] { return entry_json(ctx, e); }, [&] { return entry_row(ctx, e); });
    });
    return listing.finish(k_exit_ok,
                          Json{{"total", totals.total}, {"stale", totals.stale}, {"malformed", totals.malformed}});
}

// A full id, or a unique prefix of at least k_min_prefix characters within the user's index.
std::string resolve_id(Context& ctx, repo::SessionRepository& sessions, const std::string& id, const std::string& user)
{
    if (user.empty() || id.size() < k_min_prefix) {
        return id;
    }
    auto candidates = sessions.find_by_prefix(user, id);
    if (candidates.empty() || std::find(candidates.begin(), candidates.end(), id) != candidates.end()) {
        return id;
    }
    if (candidates.size() == 1) {
        return candidates.front();
    }
    std::vector<std::string> masked;
    masked.reserve(candidates.size());
    for (const auto& c : candidates) {
        masked.push_back(ctx.printer().secret(c));
    }
    throw Error(ErrorKind::usage, fmt::format("session prefix matches {} sessions of user {}: {}", candidates.size(),
                                              user, fmt::join(masked, ", ")));
}

void require_confirmation(Context& ctx, bool yes, const std::string& question)
{
    if (!ctx.confirm(question, yes)) {
        throw Error(ErrorKind::usage, ctx.terminal().stdin_is_tty
                                          ? "not confirmed; nothing deleted"
                                          : "bulk deletion needs --yes when stdin is not a terminal; nothing deleted");
    }
}

// What invalidate did (or, on a dry run, would do) to the users' index keys: gone is true when an index that
// existed is deleted now (or would be), as the server tells after the run.
struct IndexOutcome {
    bool gone = false;
};

int print_invalidated(Context& ctx, const InvalidateOptions& o, const std::vector<repo::InvalidatedSession>& done,
                      IndexOutcome index, int exit_code)
{
    auto& printer = ctx.printer();
    long long deleted = 0;
    long long unindexed = 0;
    for (const auto& r : done) {
        deleted += r.session_deleted ? 1 : 0;
        unindexed += r.unindexed ? 1 : 0;
    }
    // A dry run names what it would do ("would_..."), so nothing in its document reads as done.
    const char* unidx = o.dry_run ? "would_unindex" : "unindexed";
    Json listed = Json::array();
    for (const auto& r : done) {
        listed.push_back({{"id", printer.secret(r.id)},
                          {"user", r.user.empty() ? Json(nullptr) : Json(r.user)},
                          {o.dry_run ? "would_delete" : "session_deleted", r.session_deleted},
                          {unidx, r.unindexed}});
    }
    Json fields{{"dry_run", o.dry_run}, {"sessions", std::move(listed)}};
    fields[o.dry_run ? "would_delete" : "deleted"] = deleted;
    fields[unidx] = unindexed;
    fields[o.dry_run ? "index_would_be_deleted" : "index_deleted"] = index.gone;
    auto text = [&](output::Printer& out) {
        output::Table table({"ID", "USER", "SESSION", "INDEX_ENTRY"});
        const char* verb = o.dry_run ? "would delete" : "deleted";
        for (const auto& r : done) {
            table.add_row({out.secret(r.id), r.user.empty() ? "-" : output::sanitize_for_terminal(r.user),
                           r.session_deleted ? verb : "absent",
                           r.unindexed ? (o.dry_run ? "would remove" : "removed") : "absent"});
        }
        out.table(table);
        std::string index_text;
        if (index.gone) {
            index_text = o.dry_run ? ", and the user's index" : ", and the user's index is gone";
        }
        out.note(fmt::format("{}{} session{}, {} index entr{}{}", o.dry_run ? "dry run: would delete " : "deleted ",
                             deleted, deleted == 1 ? "" : "s", unindexed, unindexed == 1 ? "y" : "ies", index_text));
    };
    return output::render(printer, {fields, text}, exit_code);
}

// Asked of the server after the run, not inferred: removing a set's last member removes the set too. On a dry run
// an index would go when every one of its members would be removed.
IndexOutcome index_outcome(repo::SessionRepository& sessions, const InvalidateOptions& o,
                           const std::vector<repo::InvalidatedSession>& done, bool index_existed)
{
    std::map<std::string, long long> unindexed; // per user
    for (const auto& d : done) {
        if (d.unindexed) {
            ++unindexed[d.user];
        }
    }
    IndexOutcome index;
    if (o.dry_run) {
        for (const auto& [user, count] : unindexed) {
            index.gone = index.gone || count >= sessions.index_size(user);
        }
        return index;
    }
    if (index_existed) {
        sessions.drop_index(o.user); // what a concurrent login added meanwhile goes too: --user means all of them
        unindexed.emplace(o.user, 0);
    }
    for (const auto& [user, count] : unindexed) {
        index.gone = index.gone || sessions.index_size(user) == 0;
    }
    return index;
}

int run_invalidate(const InvalidateOptions& o, Context& ctx)
{
    if (o.sessions.empty() && o.user.empty()) {
        throw Error(ErrorKind::usage, "sessions invalidate needs --session ID (repeatable) or --user U");
    }
    auto sessions = repository(ctx);
    std::vector<std::string> ids;
    for (const auto& id : o.sessions) {
        require_nonempty("--session", id);
        ids.push_back(resolve_id(ctx, sessions, id, o.user));
    }
    bool whole_user = o.sessions.empty();
    if (whole_user) {
        ids = sessions.user_ids(o.user);
    }
    if (ids.size() > 1 && !o.dry_run) {
        std::string what = whole_user
                               ? fmt::format("every session of user {} ({} found in {})",
                                             output::sanitize_for_terminal(o.user), ids.size(),
                                             output::sanitize_for_terminal(
                                                 ctx.settings().keys.user_index.value.render({{"user", o.user}})))
                               : fmt::format("{} sessions", ids.size());
        require_confirmation(ctx, o.yes, fmt::format("Invalidate {} on {}?", what, ctx.target_text()));
    }
    std::optional<std::string> user = o.user.empty() ? std::nullopt : std::optional(o.user);
    bool index_existed = whole_user && sessions.index_size(o.user) > 0;
    std::vector<repo::InvalidatedSession> done;
    {
        InterruptScope graceful; // from here a signal stops the work between two batches, and it says what it did
        output::Progress progress = ctx.printer().progress("sessions invalidate");
        long long seen = 0;
        long long deleted = 0;
        done = sessions.invalidate_many(ids, user, o.dry_run, [&](const repo::InvalidatedSession& d) {
            deleted += d.session_deleted && !o.dry_run ? 1 : 0;
            progress.update(++seen, deleted);
        });
    }
    bool touched = std::any_of(done.begin(), done.end(),
                               [](const auto& d) { return d.session_deleted || d.unindexed; });
    IndexOutcome index = index_outcome(sessions, o, done, index_existed);
    // Nothing to remove is the "miss" answer: the session (or every session of the user) was already gone.
    return print_invalidated(ctx, o, done, index, touched || index.gone ? k_exit_ok : k_exit_negative);
}

int run_prune(const PruneOptions& o, Context& ctx)
{
    if (o.all_users == !o.user.empty()) {
        throw Error(ErrorKind::usage, "sessions prune needs exactly one of --user U or --all-users");
    }
    if (o.all_users) {
        require_confirmation(ctx, o.yes,
                             fmt::format("Remove stale entries from every user's session index ({}) on {}?",
                                         output::sanitize_for_terminal(
                                             ctx.settings().keys.user_index.value.scan_pattern({})),
                                         ctx.target_text()));
    }
    auto sessions = repository(ctx);
    auto result = [&] {
        InterruptScope graceful; // from here a signal stops the work between two batches, and it says what it did
        return o.all_users ? sessions.prune_all() : sessions.prune(o.user);
    }();
    auto text = [&](output::Printer& out) {
        out.line(fmt::format("removed {} stale entr{} of {} in {} index{}", result.stale,
                             result.stale == 1 ? "y" : "ies", result.entries, result.users,
                             result.users == 1 ? "" : "es"));
    };
    return output::render(ctx.printer(),
                          {Json{{"users", result.users}, {"entries", result.entries}, {"stale_removed", result.stale}},
                           text},
                          k_exit_ok);
}

} // namespace

void register_sessions(CLI::App& app, Runner& selected)
{
    CLI::App* group = add_group(app, "sessions", "User sessions: list, invalidate, prune");
    add_examples(*group, {"redops sessions list --user u-42", "redops sessions prune --user u-42"});

    auto list = add_command(*group, selected, "list", "List a user's sessions (--user) or every session (--all)",
                            run_list);
    add_examples(*list.app, {"redops sessions list --user u-42", "redops sessions list --all --count"});
    auto* user = list.app->add_option("--user", list.options.user, "User id, taken literally");
    list.app->add_flag("--all", list.options.all, "Every session key (SCAN, streamed)")->excludes(user);
    list.app->add_option("--limit", list.options.limit, "Show at most N sessions")
        ->check(integer_in(config::k_count_range));
    list.app->add_flag("--count", list.options.count, "Print totals only");

    auto inv = add_command(*group, selected, "invalidate", "Delete sessions and their index entries", run_invalidate);
    add_examples(*inv.app, {"redops sessions invalidate --user u-42 --dry-run",
                            "redops sessions invalidate --session 3f2a9c1e5b7d --user u-42"});
    inv.app->add_option("--session", inv.options.sessions,
                        "Session id, or a unique prefix (>= 8 chars) with --user; repeatable");
    inv.app->add_option("--user", inv.options.user, "The sessions' user; alone: every session of the user");
    add_dry_run(*inv.app, inv.options.dry_run, "Show what would be removed, remove nothing");
    add_yes(*inv.app, inv.options.yes, "Do not ask before invalidating more than one session");

    auto prune = add_command(*group, selected, "prune", "Remove index entries whose session is gone", run_prune);
    add_examples(*prune.app, {"redops sessions prune --user u-42", "redops sessions prune --all-users --yes"});
    auto* prune_user = prune.app->add_option("--user", prune.options.user, "User id, taken literally");
    prune.app->add_flag("--all-users", prune.options.all_users, "Every user's index (SCAN)")->excludes(prune_user);
    add_yes(*prune.app, prune.options.yes, "Do not ask before pruning every index");
}

} // namespace redops::cli
