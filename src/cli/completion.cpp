// `redops completion bash|zsh|fish`: completion scripts generated from the command table itself (the build
// installs their output), and the hidden `completion --list-profiles` they call for profile names.
#include "cli/commands.h"
#include "cli/completion_model.h"
#include "common/error.h"
#include "config/loader.h"

namespace redops::cli {

namespace {

int run_completion(const std::string& shell, bool list_profiles, const CLI::App& root, Context& ctx)
{
    if (list_profiles) {
        for (const auto& name : config::list_profiles(ctx.flags(), ctx.env())) {
            ctx.printer().out() << name << "\n";
        }
        return 0;
    }
    const std::vector<CommandNode> nodes = without_global_repeats(collect_commands(root));
    if (shell == "bash") {
        ctx.printer().out() << bash_script(nodes);
    } else if (shell == "zsh") {
        ctx.printer().out() << zsh_script(nodes);
    } else if (shell == "fish") {
        ctx.printer().out() << fish_script(nodes);
    } else {
        throw Error(ErrorKind::usage, "completion needs a shell: bash, zsh or fish");
    }
    return 0;
}

} // namespace

void register_completion(CLI::App& app, Runner& selected)
{
    auto shell = std::make_shared<std::string>();
    auto list_profiles = std::make_shared<bool>(false);
    CLI::App* sub = app.add_subcommand("completion", "Print a shell completion script (bash, zsh, fish)");
    sub->add_option("shell", *shell, "bash, zsh or fish")->check(CLI::IsMember({"bash", "zsh", "fish"}));
    // For the scripts themselves: the profile names of the config file (hidden: group "").
    sub->add_flag("--list-profiles", *list_profiles, "Print the config file's profile names")->group("");
    const CLI::App* root = &app;
    sub->callback([shell, list_profiles, root, &selected] {
        selected = [shell, list_profiles, root](Context& ctx) {
            return run_completion(*shell, *list_profiles, *root, ctx);
        };
    });
}

} // namespace redops::cli
