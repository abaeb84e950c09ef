// `redops config show`: every effective setting and where it came from; the password masked.
#include "cli/command.h"
#include "cli/commands.h"
#include "config/show.h"
#include "output/table.h"
#include "output/time_format.h"
#include "output/view.h"

#include <nlohmann/json.hpp>

namespace redops::cli {

namespace {

// {"settings": {"connection": {"port": {"value": 6379, "source": "default"}, ...}, ...}}: typed values under
// nested snake_case keys, durations in ms (the unit in the name), null for what is not set.
nlohmann::ordered_json settings_json(const std::vector<config::ShownSetting>& shown)
{
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    for (const auto& s : shown) {
        nlohmann::ordered_json* node = &settings;
        for (std::size_t i = 0; i + 1 < s.path.size(); ++i) {
            node = &(*node)[s.path[i]];
        }
        (*node)[s.path.back()] = {{"value", s.typed}, {"source", s.source}};
    }
    return settings;
}

output::Table settings_table(const std::vector<config::ShownSetting>& shown)
{
    output::Table table({"SETTING", "VALUE", "SOURCE"});
    for (const auto& s : shown) {
        std::string value = s.kind == config::ShownKind::bytes ? output::human_bytes(s.typed.get<long long>())
                                                               : s.value;
        table.add_row(std::vector<std::string>{s.name, value, s.source});
    }
    return table;
}

struct ShowOptions {};

int run_config_show(const ShowOptions&, Context& ctx)
{
    std::vector<config::ShownSetting> shown = config::show_settings(ctx.settings());
    return output::render(ctx.printer(),
                          {output::Json{{"settings", settings_json(shown)}},
                           [&](output::Printer& out) { out.table(settings_table(shown)); }},
                          k_exit_ok);
}

} // namespace

void register_config(CLI::App& app, Runner& selected)
{
    CLI::App* group = add_group(app, "config", "Inspect the effective configuration");
    add_examples(*group, {"redops config show", "redops --profile prod config show --json"});
    auto show = add_command(*group, selected, "show", "Print every effective setting with its source", run_config_show);
    add_examples(*show.app, {"redops config show", "redops --profile prod config show",
                             "REDIS_URL=redis://10.0.0.5:6379/2 redops config show --json"});
}

} // namespace redops::cli
