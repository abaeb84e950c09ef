// `redops token get|set|flush|list`: the services' cached OAuth tokens, read and written in their exact format.
#include "cli/askpass.h"
#include "cli/bulk_report.h"
#include "cli/checks.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "output/json_fields.h"
#include "output/progress.h"
#include "output/text_width.h"
#include "output/time_format.h"
#include "output/view.h"
#include "repo/token_repository.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

namespace redops::cli {

namespace {

using output::Json;

// The key's two values: every token subcommand names a provider (unless the template has none) and a tenant.
struct TokenKey {
    std::string provider;
    std::string tenant;
};

struct GetOptions {
    TokenKey key;
};

struct SetOptions {
    TokenKey key;
    std::optional<long long> expires_in_s;
    std::optional<long long> safety_buffer_s;
    std::string token_file;
    std::optional<std::string> token;
};

struct FlushOptions {
    TokenKey key;
    bool all_tenants = false;
    bool all = false;
    bool dry_run = false;
    bool yes = false;
};

struct ListOptions {
    std::string provider;
};

repo::TokenRepository repository(Context& ctx)
{
    const auto& settings = ctx.settings();
    return repo::TokenRepository(ctx.client(), settings.keys.token.value, settings.defaults.scan_count.value);
}

// The provider is required only when the configured template uses it (`genesys:token:{tenant}` does not).
void require_provider(Context& ctx, const TokenKey& key)
{
    if (ctx.settings().keys.token.value.uses("provider")) {
        require_nonempty("--provider", key.provider);
    }
}

void require_key(Context& ctx, const TokenKey& key)
{
    require_provider(ctx, key);
    require_nonempty("--tenant", key.tenant);
}

Json entry_json(Context& ctx, const repo::TokenEntry& e, long long now)
{
    Json j;
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

// Both forms of a token's fields: the JSON document, or a FIELD/VALUE table.
output::Document fields_document(Json fields)
{
    output::Document doc{std::move(fields), {}};
    doc.text = [fields = doc.fields](output::Printer& p) { output::print_fields(p, fields); };
    return doc;
}

int run_get(const GetOptions& o, Context& ctx)
{
    require_key(ctx, o.key);
    auto entry = repository(ctx).get(o.key.provider, o.key.tenant);
    if (!entry) {
        std::string key = ctx.settings().keys.token.value.render(
            {{"provider", o.key.provider}, {"tenant", o.key.tenant}});
        output::Document missing{Json{{"found", false}, {"key", key}}, [key](output::Printer& p) {
                                     p.line(fmt::format("no token cached at {}", output::sanitize_for_terminal(key)));
                                 }};
        return output::render(ctx.printer(), missing, k_exit_negative);
    }
    long long now = now_ms();
    Json fields{{"found", true}};
    fields.update(entry_json(ctx, *entry, now));
    if (entry->expires_at_ms <= now) {
        // Services treat this as a miss although the key is alive: a too-small safety buffer or a skewed clock.
        ctx.printer().warn(fmt::format("the token at {} expired at {} but the key lives {}s more", entry->key,
                                       output::rfc3339_utc_ms(entry->expires_at_ms), entry->ttl_s));
    }
    return output::render(ctx.printer(), fields_document(std::move(fields)), k_exit_ok);
}

std::string read_token(const SetOptions& o, Context& ctx)
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

int run_set(const SetOptions& o, Context& ctx)
{
    require_key(ctx, o.key);
    long long buffer = o.safety_buffer_s.value_or(ctx.settings().defaults.token_safety_buffer_s.value);
    // Refuse an ambiguous key before asking for the token, so nobody types a secret for nothing.
    ctx.settings().keys.token.value.render_unambiguous({{"provider", o.key.provider}, {"tenant", o.key.tenant}});
    std::string token = read_token(o, ctx);
    auto entry = repository(ctx).set(o.key.provider, o.key.tenant, token, o.expires_in_s.value_or(0), buffer);
    Json fields{{"stored", true}};
    fields.update(entry_json(ctx, entry, entry.cached_at_ms));
    fields.erase("expired");
    return output::render(ctx.printer(), fields_document(std::move(fields)), k_exit_ok);
}

void validate_flush(const FlushOptions& o, Context& ctx)
{
    if (o.all) {
        if (!o.key.provider.empty() || !o.key.tenant.empty()) {
            throw Error(ErrorKind::usage, "--all excludes --provider, --tenant and --all-tenants");
        }
        return;
    }
    require_provider(ctx, o.key);
    if (o.all_tenants == !o.key.tenant.empty()) {
        throw Error(ErrorKind::usage, "token flush needs exactly one of --tenant T, --all-tenants or --all");
    }
    if (!o.all_tenants) {
        require_nonempty("--tenant", o.key.tenant);
    }
}

int run_flush(const FlushOptions& o, Context& ctx)
{
    validate_flush(o, ctx);
    bool uses_provider = ctx.settings().keys.token.value.uses("provider");
    std::optional<std::string> provider = o.all || !uses_provider ? std::nullopt : std::optional(o.key.provider);
    std::optional<std::string> tenant = o.key.tenant.empty() ? std::nullopt : std::optional(o.key.tenant);
    bool bulk = o.all || o.all_tenants;
    auto& printer = ctx.printer();
    auto tokens = repository(ctx);
    const char* hint = "token flush --provider P --tenant T";
    if (o.dry_run) {
        // A dry run lists what would go, streamed so a million keys never sit in memory.
        InterruptScope graceful;
        output::Listing listing(printer, "keys", {"KEY"}, Json{{"dry_run", true}});
        auto result = tokens.flush(provider, tenant, true, [&](const std::vector<std::string>& keys, long long) {
            for (const auto& key : keys) {
                listing.add([&] { return Json(key); }, [&] { return std::vector<std::string>{key}; });
            }
        });
        warn_ambiguous(printer, result.skipped_ambiguous, "provider", hint);
        long long n = result.deleted;
        return listing.finish(k_exit_ok,
                              Json{{"would_delete", n},
                                   {"skipped_ambiguous", ambiguous_json(result.skipped_ambiguous)}},
                              [n](output::Printer& p) {
                                  p.note(fmt::format("dry run: {} key{} would be deleted", n, n == 1 ? "" : "s"));
                              });
    }
    if (bulk) {
        confirm_bulk(ctx, o.yes, {"Delete", "token key", tokens.flush_pattern(provider, tenant), "nothing deleted"},
                     [&](output::Progress& progress) {
                         return tokens
                             .flush(provider, tenant, true,
                                    [&](const auto& keys, long long) {
                                        progress.add(static_cast<long long>(keys.size()), 0);
                                    })
                             .deleted;
                     });
    }
    repo::BulkDeleteResult result;
    {
        InterruptScope graceful; // from here a signal stops the work between two batches, and it says what it did
        output::Progress progress = printer.progress("token flush");
        result = tokens.flush(provider, tenant, false, [&](const auto& keys, long long deleted) {
            progress.add(static_cast<long long>(keys.size()), deleted);
        });
    }
    long long deleted = result.deleted;
    output::Document doc{
        Json{{"deleted", deleted}, {"dry_run", false}, {"skipped_ambiguous", ambiguous_json(result.skipped_ambiguous)}},
        [deleted](output::Printer& p) { p.line(fmt::format("deleted {} key{}", deleted, deleted == 1 ? "" : "s")); }};
    output::render(printer, doc, k_exit_ok);
    warn_ambiguous(printer, result.skipped_ambiguous, "provider", hint);
    return k_exit_ok;
}

int run_list(const ListOptions& o, Context& ctx)
{
    auto& printer = ctx.printer();
    std::optional<std::string> provider = o.provider.empty() ? std::nullopt : std::optional(o.provider);
    long long now = now_ms();
    long long malformed = 0;
    InterruptScope graceful; // Ctrl-C ends the listing between two pages, still one valid document
    output::Listing listing(printer, "tokens", {"PROVIDER", "TENANT", "TOKEN", "TTL", "EXPIRES_AT", "STATUS"});
    listing.align_right(3);
    repository(ctx).list(provider, [&](const repo::TokenEntry& e) {
        if (!e.problem.empty()) {
            ++malformed;
            printer.warn(e.problem);
            listing.add(
                [&] {
                    return Json{{"key", e.key}, {"provider", e.provider}, {"tenant", e.tenant}, {"error", e.problem}};
                },
                [&] {
                    return std::vector<std::string>{e.provider, e.tenant,   "-", output::human_duration_s(e.ttl_s),
                                                    "-",        "malformed"};
                });
            return;
        }
        listing.add([&] { return entry_json(ctx, e, now); },
                    [&] {
                        return std::vector<std::string>{e.provider,
                                                        e.tenant,
                                                        printer.secret(e.token),
                                                        output::human_duration_s(e.ttl_s),
                                                        output::rfc3339_utc_ms(e.expires_at_ms),
                                                        e.expires_at_ms <= now ? "expired" : "valid"};
                    });
    });
    return listing.finish(k_exit_ok, Json{{"malformed", malformed}});
}

void add_key_options(CLI::App& app, TokenKey& key, const std::string& tenant_help)
{
    app.add_option("--provider", key.provider, "Token provider (e.g. genesys)");
    app.add_option("--tenant", key.tenant, tenant_help);
}

} // namespace

void register_token(CLI::App& app, Runner& selected)
{
    CLI::App* token = add_group(app, "token", "Cached OAuth tokens: get, set, flush, list");
    add_examples(*token, {"redops token get --provider genesys --tenant acme", "redops token list --provider genesys"});

    auto get = add_command(*token, selected, "get", "Show the cached token of a provider and tenant", run_get);
    add_examples(*get.app, {"redops token get --provider genesys --tenant acme",
                            "redops token get --provider genesys --tenant acme -o json --reveal"});
    add_key_options(*get.app, get.options.key, "Tenant id, taken literally");

    auto set = add_command(*token, selected, "set", "Cache a token (read from stdin or --token-file)", run_set);
    add_examples(*set.app,
                 {"printf %s \"$TOKEN\" | redops token set --provider genesys --tenant acme --expires-in 3600",
                  "redops token set --provider genesys --tenant acme --expires-in 3600 --token-file tok.txt"});
    add_key_options(*set.app, set.options.key, "Tenant id, taken literally");
    set.app
        ->add_option("--expires-in", set.options.expires_in_s,
                     "Seconds until the token expires (from the issuer; at most 10 years)")
        ->check(integer_in(config::k_ttl_seconds_range))
        ->required();
    set.app
        ->add_option("--safety-buffer", set.options.safety_buffer_s,
                     "Seconds taken off the TTL (default from config, 300)")
        ->check(integer_in(config::k_buffer_seconds_range));
    auto* token_file = set.app->add_option("--token-file", set.options.token_file, "Read the token from this file");
    set.app->add_option("--token", set.options.token, "The token itself (visible to other users; warns)")
        ->excludes(token_file);

    auto flush = add_command(*token, selected, "flush", "Delete cached tokens (SCAN + UNLINK)", run_flush);
    add_examples(*flush.app,
                 {"redops token flush --provider genesys --tenant acme",
                  "redops token flush --provider genesys --all-tenants --dry-run", "redops token flush --all --yes"});
    add_key_options(*flush.app, flush.options.key, "One tenant, taken literally ('*' is a tenant named *)");
    auto* all_tenants = flush.app->add_flag("--all-tenants", flush.options.all_tenants, "Every tenant of the provider");
    flush.app->add_flag("--all", flush.options.all, "Every token of every provider")->excludes(all_tenants);
    add_dry_run(*flush.app, flush.options.dry_run, "List what would be deleted, delete nothing");
    add_yes(*flush.app, flush.options.yes, "Bulk deletion without asking (needed off a terminal)");

    auto list = add_command(*token, selected, "list", "Stream cached tokens, masked", run_list);
    add_examples(*list.app, {"redops token list", "redops token list --provider genesys -o json"});
    list.app->add_option("--provider", list.options.provider, "Only this provider");
}

} // namespace redops::cli
