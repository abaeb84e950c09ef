// `redops config show`: every effective setting and where it came from; the password masked.
#include "cli/commands.h"
#include "config/show.h"
#include "output/table.h"

#include <nlohmann/json.hpp>

namespace redops::cli {

namespace {

int run_config_show(Context& ctx)
{
    std::vector<config::ShownSetting> shown = config::show_settings(ctx.settings());
    if (ctx.printer().json()) {
        nlohmann::ordered_json doc;
        doc["ok"] = true;
        nlohmann::ordered_json settings = nlohmann::ordered_json::object();
        for (const auto& s : shown) {
            settings[s.name] = {{"value", s.value}, {"source", s.source}};
        }
        doc["settings"] = settings;
        ctx.printer().json_document(doc);
        return 0;
    }
    output::Table table({"SETTING", "VALUE", "SOURCE"});
    for (const auto& s : shown) {
        table.add_row(std::vector<std::string>{s.name, s.value, s.source});
    }
    ctx.printer().table(table);
    return 0;
}

} // namespace

void register_config(CLI::App& app, Runner& selected)
{
    CLI::App* group = app.add_subcommand("config", "Inspect the effective configuration");
    group->require_subcommand(1);
    CLI::App* show = group->add_subcommand("show", "Print every effective setting with its source");
    show->callback([&selected] { selected = [](Context& ctx) { return run_config_show(ctx); }; });
}

} // namespace redops::cli
