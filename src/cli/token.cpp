// `redops token get|set|flush|list`: the services' cached OAuth tokens, read and written in their exact format.
#include "cli/askpass.h"
#include "cli/bulk_report.h"
#include "cli/checks.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "common/clock.h"
#include "common/error.h"
#include "output/json_fields.h"
#include "output/progress.h"
#include "output/text_width.h"
#include "output/time_format.h"
#include "repo/token_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace redops::cli {

namespace {

struct TokenOptions {
    std::string provider;
    std::string tenant;
    std::optional<long long> expires_in_s;
    std::optional<long long> safety_buffer_s;
    std::string token_file;
    std::optional<std::string> token;
    bool all_tenants = false;
    bool all = false;
    bool dry_run = false;
    bool yes = false;
};

repo::TokenRepository repository(Context& ctx)
{
    const auto& settings = ctx.settings();
    return repo::TokenRepository(ctx.client(), settings.keys.token.value, settings.defaults.scan_count.value);
}

// The provider is required only when the configured template uses it (`genesys:token:{tenant}` does not).
void require_provider(Context& ctx, const TokenOptions& o)
{
    if (ctx.settings().keys.token.value.uses("provider")) {
        require_nonempty("--provider", o.provider);
    }
}

nlohmann::ordered_json entry_json(Context& ctx, const repo::TokenEntry& e, long long now)
{
    nlohmann::ordered_json j;
    j["key"] = e.key;
    j["provider"] = e.provider;
    j["tenant"] = e.tenant;
    j["token"] = ctx.printer().secret(e.token);
    j["cached_at"] = output::rfc3339_utc_ms(e.cached_at_ms);
    j["expires_at"] = output::rfc3339_utc_ms(e.expires_at_ms);
    j["expires_in_s"] = (e.expires_at_ms - now) / 1000;
    j["ttl_s"] = output::ttl_or_null(e.ttl_s); // null: the key never expires
    j["expired"] = e.expires_at_ms <= now;
    return j;
}

void print_fields(Context& ctx, const nlohmann::ordered_json& doc)
{
    output::Table table({"FIELD", "VALUE"});
    for (const auto& item : doc.items()) {
        const auto& value = item.value();
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (value.is_number_integer() && item.key().ends_with("_s")) {
            text = output::human_duration_s(value.get<long long>()); // JSON keeps the seconds
        } else if (value.is_null()) {
            text = "-";
        }
        table.add_row({item.key(), text});
    }
    ctx.printer().table(table);
}

int run_get(const TokenOptions& o, Context& ctx)
{
    require_provider(ctx, o);
    require_nonempty("--tenant", o.tenant);
    auto entry = repository(ctx).get(o.provider, o.tenant);
    if (!entry) {
        std::string key = ctx.settings().keys.token.value.render({{"provider", o.provider}, {"tenant", o.tenant}});
        if (ctx.printer().json()) {
            ctx.printer().json_document({{"found", false}, {"key", key}, {"ok", false}});
        } else {
            ctx.printer().line(fmt::format("no token cached at {}", output::sanitize_for_terminal(key)));
        }
        return k_exit_negative;
    }
    long long now = now_ms();
    nlohmann::ordered_json doc{{"found", true}};
    doc.update(entry_json(ctx, *entry, now));
    if (entry->expires_at_ms <= now) {
        // Services treat this as a miss although the key is alive: a too-small safety buffer or a skewed clock.
        ctx.printer().warn(fmt::format("the token at {} expired at {} but the key lives {}s more", entry->key,
                                       output::rfc3339_utc_ms(entry->expires_at_ms), entry->ttl_s));
    }
    if (ctx.printer().json()) {
        doc["ok"] = true;
        ctx.printer().json_document(doc);
    } else {
        print_fields(ctx, doc);
    }
    return k_exit_ok;
}

std::string read_token(const TokenOptions& o, Context& ctx)
{
    std::string token;
    if (o.token) {
        ctx.printer().warn("--token puts the secret on the command line, visible to other users; "
                           "prefer stdin or --token-file");
        token = *o.token;
    } else if (!o.token_file.empty()) {
        token = read_text_file(o.token_file);
    } else if (ctx.terminal().stdin_is_tty) {
        // Typed by hand: ask without echo, so the token never lands on the screen or in a scrollback.
        token = prompt_password("Token: ");
    } else {
        token = read_all(ctx.terminal().in);
    }
    // A file or a pipe usually ends in a newline that is not part of the token.
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
        token.pop_back();
    }
    require_nonempty("token", token);
    return token;
}

int run_set(const TokenOptions& o, Context& ctx)
{
    require_provider(ctx, o);
    require_nonempty("--tenant", o.tenant);
    if (!o.expires_in_s) {
        throw Error(ErrorKind::usage, "token set needs --expires-in SEC");
    }
    if (o.token && !o.token_file.empty()) {
        throw Error(ErrorKind::usage, "--token and --token-file exclude each other");
    }
    long long buffer = o.safety_buffer_s.value_or(ctx.settings().defaults.token_safety_buffer_s.value);
    if (buffer < 0) {
        throw Error(ErrorKind::usage, "--safety-buffer must not be negative");
    }
    // Refuse an ambiguous key before asking for the token, so nobody types a secret for nothing.
    ctx.settings().keys.token.value.render_unambiguous({{"provider", o.provider}, {"tenant", o.tenant}});
    std::string token = read_token(o, ctx);
    auto entry = repository(ctx).set(o.provider, o.tenant, token, *o.expires_in_s, buffer);
    nlohmann::ordered_json doc{{"stored", true}};
    doc.update(entry_json(ctx, entry, entry.cached_at_ms));
    doc.erase("expired");
    if (ctx.printer().json()) {
        doc["ok"] = true;
        ctx.printer().json_document(doc);
    } else {
        print_fields(ctx, doc);
    }
    return k_exit_ok;
}

void validate_flush(const TokenOptions& o, Context& ctx)
{
    if (o.all) {
        if (!o.provider.empty() || !o.tenant.empty() || o.all_tenants) {
            throw Error(ErrorKind::usage, "--all excludes --provider, --tenant and --all-tenants");
        }
        return;
    }
    require_provider(ctx, o);
    if (o.all_tenants == !o.tenant.empty()) {
        throw Error(ErrorKind::usage, "token flush needs exactly one of --tenant T, --all-tenants or --all");
    }
    if (!o.all_tenants) {
        require_nonempty("--tenant", o.tenant);
    }
}

int run_flush(const TokenOptions& o, Context& ctx)
{
    validate_flush(o, ctx);
    bool uses_provider = ctx.settings().keys.token.value.uses("provider");
    std::optional<std::string> provider = o.all || !uses_provider ? std::nullopt : std::optional(o.provider);
    std::optional<std::string> tenant = o.tenant.empty() ? std::nullopt : std::optional(o.tenant);
    bool bulk = o.all || o.all_tenants;
    auto& printer = ctx.printer();
    auto tokens = repository(ctx);
    if (bulk && !o.dry_run) {
        confirm_bulk(ctx, o.yes, {"Delete", "token key", tokens.flush_pattern(provider, tenant), "nothing deleted"},
                     [&](output::Progress& progress) {
                         return tokens.flush(provider, tenant, true, [&](const auto& keys, long long) {
                             progress.add(static_cast<long long>(keys.size()), 0);
                         }).deleted;
                     });
    }
    const char* hint = "token flush --provider P --tenant T";
    if (!o.dry_run) {
        repo::BulkDeleteResult result;
        {
            output::Progress progress = printer.progress("token flush");
            result = tokens.flush(provider, tenant, false, [&](const auto& keys, long long deleted) {
                progress.add(static_cast<long long>(keys.size()), deleted);
            });
        }
        long long deleted = result.deleted;
        if (printer.json()) {
            printer.json_document({{"deleted", deleted},
                                   {"dry_run", false},
                                   {"skipped_ambiguous", ambiguous_json(result.skipped_ambiguous)},
                                   {"ok", true}});
        } else {
            printer.line(fmt::format("deleted {} key{}", deleted, deleted == 1 ? "" : "s"));
        }
        warn_ambiguous(printer, result.skipped_ambiguous, "provider", hint);
        return k_exit_ok;
    }
    // A dry run lists what would go, streamed so a million keys never sit in memory.
    if (printer.json()) {
        auto& stream = printer.json_stream();
        stream.field("dry_run", true);
        stream.begin_array("keys");
        auto result = tokens.flush(provider, tenant, true, [&](const std::vector<std::string>& keys, long long) {
            for (const auto& key : keys) {
                stream.item(key);
            }
        });
        stream.end_array();
        stream.field("would_delete", result.deleted);
        stream.field("skipped_ambiguous", ambiguous_json(result.skipped_ambiguous));
        stream.field("ok", true);
        stream.finish();
        warn_ambiguous(printer, result.skipped_ambiguous, "provider", hint);
        return k_exit_ok;
    }
    auto table = printer.streaming_table({"KEY"});
    auto result = tokens.flush(provider, tenant, true, [&](const std::vector<std::string>& keys, long long) {
        for (const auto& key : keys) {
            table.add_row({key});
        }
    });
    table.finish();
    warn_ambiguous(printer, result.skipped_ambiguous, "provider", hint);
    long long n = result.deleted;
    printer.note(fmt::format("dry run: {} key{} would be deleted", n, n == 1 ? "" : "s"));
    return k_exit_ok;
}

int run_list(const TokenOptions& o, Context& ctx)
{
    auto& printer = ctx.printer();
    std::optional<std::string> provider = o.provider.empty() ? std::nullopt : std::optional(o.provider);
    auto tokens = repository(ctx);
    long long now = now_ms();
    long long malformed = 0;
    auto note_problem = [&](const repo::TokenEntry& e) {
        ++malformed;
        printer.warn(e.problem);
    };
    if (printer.json()) {
        auto& stream = printer.json_stream();
        stream.begin_array("tokens");
        tokens.list(provider, [&](const repo::TokenEntry& e) {
            if (!e.problem.empty()) {
                note_problem(e);
                stream.item({{"key", e.key}, {"provider", e.provider}, {"tenant", e.tenant}, {"error", e.problem}});
                return;
            }
            stream.item(entry_json(ctx, e, now));
        });
        stream.end_array();
        stream.field("malformed", malformed);
        stream.field("ok", true);
        stream.finish();
        return k_exit_ok;
    }
    auto table = printer.streaming_table({"PROVIDER", "TENANT", "TOKEN", "TTL", "EXPIRES_AT", "STATUS"});
    table.align_right(3);
    tokens.list(provider, [&](const repo::TokenEntry& e) {
        if (!e.problem.empty()) {
            note_problem(e);
            table.add_row({e.provider, e.tenant, "-", output::human_duration_s(e.ttl_s), "-", "malformed"});
            return;
        }
        table.add_row({e.provider, e.tenant, printer.secret(e.token), output::human_duration_s(e.ttl_s),
                       output::rfc3339_utc_ms(e.expires_at_ms), e.expires_at_ms <= now ? "expired" : "valid"});
    });
    table.finish();
    return k_exit_ok;
}

using TokenRun = int (*)(const TokenOptions&, Context&);

CLI::App* add_token_command(CLI::App& parent, const char* name, const char* help, TokenRun run,
                            const std::shared_ptr<TokenOptions>& options, Runner& selected)
{
    CLI::App* sub = parent.add_subcommand(name, help);
    sub->callback([options, run, &selected] { selected = [options, run](Context& ctx) { return run(*options, ctx); }; });
    return sub;
}

} // namespace

void register_token(CLI::App& app, Runner& selected)
{
    auto o = std::make_shared<TokenOptions>();
    CLI::App* token = app.add_subcommand("token", "Cached OAuth tokens: get, set, flush, list");
    token->require_subcommand(1);

    CLI::App* get = add_token_command(*token, "get", "Show the cached token of a provider and tenant", run_get, o, selected);
    get->add_option("--provider", o->provider, "Token provider (e.g. genesys)");
    get->add_option("--tenant", o->tenant, "Tenant id, taken literally");

    CLI::App* set = add_token_command(*token, "set", "Cache a token (read from stdin or --token-file)", run_set, o, selected);
    set->add_option("--provider", o->provider, "Token provider");
    set->add_option("--tenant", o->tenant, "Tenant id, taken literally");
    set->add_option("--expires-in", o->expires_in_s, "Seconds until the token expires (from the issuer; at most 10 years)")
        ->check(integer_in(config::k_ttl_seconds_range));
    set->add_option("--safety-buffer", o->safety_buffer_s, "Seconds taken off the TTL (default from config, 300)")
        ->check(integer_in(config::k_buffer_seconds_range));
    auto* token_file = set->add_option("--token-file", o->token_file, "Read the token from this file");
    set->add_option("--token", o->token, "The token itself (visible to other users; warns)")->excludes(token_file);

    CLI::App* flush = add_token_command(*token, "flush", "Delete cached tokens (SCAN + UNLINK)", run_flush, o, selected);
    flush->add_option("--provider", o->provider, "Token provider");
    flush->add_option("--tenant", o->tenant, "One tenant, taken literally ('*' is a tenant named *)");
    auto* all_tenants = flush->add_flag("--all-tenants", o->all_tenants, "Every tenant of the provider");
    flush->add_flag("--all", o->all, "Every token of every provider")->excludes(all_tenants);
    flush->add_flag("--dry-run", o->dry_run, "List what would be deleted, delete nothing");
    flush->add_flag("-y,--yes", o->yes, "Bulk deletion without asking (needed off a terminal)");

    CLI::App* list = add_token_command(*token, "list", "Stream cached tokens, masked", run_list, o, selected);
    list->add_option("--provider", o->provider, "Only this provider");
}

} // namespace redops::cli
