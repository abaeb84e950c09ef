// `redops completion bash|zsh|fish`: completion scripts generated from the command table itself (the build
// installs their output), and the hidden `completion --list-profiles` they call for profile names.
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/completion_model.h"
#include "common/error.h"
#include "config/loader.h"

namespace redops::cli {

namespace {

struct CompletionOptions {
    std::string shell;
    bool list_profiles = false;
    const CLI::App* root = nullptr; // the command table the scripts are generated from
};

int run_completion(const CompletionOptions& o, Context& ctx)
{
    if (o.list_profiles) {
        for (const auto& name : config::list_profiles(ctx.flags(), ctx.env())) {
            ctx.printer().out() << name << "\n";
        }
        return 0;
    }
    const std::vector<CommandNode> nodes = without_global_repeats(collect_commands(*o.root));
    const std::string& shell = o.shell;
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
    auto completion = add_command(app, selected, "completion", "Print a shell completion script (bash, zsh, fish)",
                                  run_completion);
    add_examples(*completion.app, {"redops completion bash > ~/.local/share/bash-completion/completions/redops",
                                   "redops completion fish > ~/.config/fish/completions/redops.fish"});
    CompletionOptions& o = completion.options;
    o.root = &app;
    completion.app->add_option("shell", o.shell, "bash, zsh or fish")->check(CLI::IsMember({"bash", "zsh", "fish"}));
    // For the scripts themselves: the profile names of the config file (hidden: group "").
    completion.app->add_flag("--list-profiles", o.list_profiles, "Print the config file's profile names")->group("");
}

} // namespace redops::cli
