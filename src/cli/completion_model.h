// The command table as shell completion sees it: every command path, its subcommands and options, and what
// each option's value is (a word from a list, a file, a directory, a profile name, anything).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace redops::cli {

enum class ValueKind { none, any, words, file, dir, profile };

struct OptionInfo {
    std::vector<std::string> names; // "-o", "--output"
    ValueKind value = ValueKind::none;
    std::vector<std::string> words; // ValueKind::words
    std::string description;
};

struct Described {
    std::string name;
    std::string description;
};

struct CommandNode {
    std::string path; // "" for redops itself, "token get"
    std::vector<Described> subcommands;
    std::vector<OptionInfo> options;    // its own; the root's are the global options, valid everywhere
    std::vector<std::string> arguments; // the values its first positional argument accepts, when listed
};

// Walks the command table depth first; hidden commands and options (group "") are left out. The value kind comes
// from the option: a CLI::IsMember check lists its words, type name FILE or DIR (or a name ending in "-file")
// wants a path, PROFILE a profile name; `value_words` lists words for options that check their value later.
std::vector<CommandNode> collect_commands(const CLI::App& root);

// A command's own options without those that repeat a global one (--help): the scripts add the global ones.
std::vector<CommandNode> without_global_repeats(std::vector<CommandNode> nodes);

// Helpers of the script generators (completion_posix.cpp, completion_fish.cpp).
std::string join_words(const std::vector<std::string>& words, std::string_view separator = " ");
// flag, any, file, dir, profile or "words:W1 W2": what the scripts' value tables hold.
std::string value_word(const OptionInfo& option);
std::vector<std::string> option_names(const CommandNode& node);
// Its subcommands, or for a command without any the values its argument accepts.
std::vector<std::string> subcommand_names(const CommandNode& node);
// The options with a value grouped by value word, as "path|--opt" (global: "--opt"): one case branch per kind.
std::map<std::string, std::vector<std::string>> value_cases(const std::vector<CommandNode>& nodes, bool global);

std::string bash_script(const std::vector<CommandNode>& nodes);
std::string zsh_script(const std::vector<CommandNode>& nodes);
std::string fish_script(const std::vector<CommandNode>& nodes);

} // namespace redops::cli
