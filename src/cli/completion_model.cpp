#include "cli/completion_model.h"

#include <algorithm>
#include <set>

namespace redops::cli {

namespace {

// Options whose command checks the value itself (no CLI::IsMember to read the words from).
struct ValueWords {
    std::string_view path;
    std::string_view option;
    std::vector<std::string> words;
};

const std::vector<ValueWords>& value_words()
{
    static const std::vector<ValueWords> table{
        {"ping", "--format", {"default", "nagios"}},
        {"monitor", "--format", {"default", "prometheus"}},
    };
    return table;
}

// "{table,json}" in a type name such as "TEXT:{table,json}" (how CLI::IsMember describes itself).
std::vector<std::string> listed_words(const std::string& type_name)
{
    std::vector<std::string> words;
    auto open = type_name.find('{');
    auto close = type_name.find('}', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) {
        return words;
    }
    std::string_view list = std::string_view(type_name).substr(open + 1, close - open - 1);
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view word = list.substr(0, comma);
        if (!word.empty()) {
            words.emplace_back(word);
        }
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return words;
}

OptionInfo describe_option(const CLI::Option& opt, const std::string& path)
{
    OptionInfo info;
    for (const auto& s : opt.get_snames()) {
        info.names.push_back("-" + s);
    }
    for (const auto& l : opt.get_lnames()) {
        info.names.push_back("--" + l);
    }
    info.description = opt.get_description();
    if (opt.get_expected_max() == 0) {
        return info; // a flag
    }
    const std::string type = opt.get_type_name();
    const std::string long_name = opt.get_lnames().empty() ? "" : opt.get_lnames().front();
    info.words = listed_words(type);
    info.value = ValueKind::any;
    if (!info.words.empty()) {
        info.value = ValueKind::words;
    } else if (type.rfind("FILE", 0) == 0 || std::string_view(long_name).ends_with("-file")) {
        info.value = ValueKind::file;
    } else if (type.rfind("DIR", 0) == 0) {
        info.value = ValueKind::dir;
    } else if (type.rfind("PROFILE", 0) == 0) {
        info.value = ValueKind::profile;
    } else {
        for (const auto& row : value_words()) {
            if (row.path == path && opt.check_lname(std::string(row.option.substr(2)))) {
                info.value = ValueKind::words;
                info.words = row.words;
            }
        }
    }
    return info;
}

void collect(const CLI::App& app, const std::string& path, std::vector<CommandNode>& out)
{
    CommandNode node{path, {}, {}, {}};
    auto visible = [](const CLI::App* sub) { return !sub->get_group().empty(); };
    for (const CLI::App* sub : app.get_subcommands(visible)) {
        node.subcommands.push_back({sub->get_name(), sub->get_description()});
    }
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty()) {
            continue; // hidden
        }
        if (opt->nonpositional()) {
            node.options.push_back(describe_option(*opt, path));
        } else if (node.arguments.empty()) {
            node.arguments = listed_words(opt->get_type_name());
        }
    }
    out.push_back(std::move(node));
    for (const CLI::App* sub : app.get_subcommands(visible)) {
        collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
    }
}

} // namespace

std::vector<CommandNode> collect_commands(const CLI::App& root)
{
    std::vector<CommandNode> nodes;
    collect(root, "", nodes);
    return nodes;
}

std::string join_words(const std::vector<std::string>& words, std::string_view separator)
{
    std::string text;
    for (const auto& w : words) {
        text += (text.empty() ? "" : std::string(separator)) + w;
    }
    return text;
}

std::string value_word(const OptionInfo& o)
{
    switch (o.value) {
    case ValueKind::none: return "flag";
    case ValueKind::any: return "any";
    case ValueKind::words: return "words:" + join_words(o.words);
    case ValueKind::file: return "file";
    case ValueKind::dir: return "dir";
    case ValueKind::profile: return "profile";
    }
    return "any";
}

std::vector<std::string> option_names(const CommandNode& n)
{
    std::vector<std::string> names;
    for (const auto& o : n.options) {
        names.insert(names.end(), o.names.begin(), o.names.end());
    }
    return names;
}

// A command's own options without those that repeat a global one (--help): the scripts add the global ones.
std::vector<CommandNode> without_global_repeats(std::vector<CommandNode> nodes)
{
    std::set<std::string> global;
    for (const auto& n : nodes) {
        if (n.path.empty()) {
            const auto names = option_names(n);
            global.insert(names.begin(), names.end());
        }
    }
    for (auto& n : nodes) {
        if (!n.path.empty()) {
            std::erase_if(n.options, [&](const OptionInfo& o) {
                return std::all_of(o.names.begin(), o.names.end(),
                                   [&](const auto& name) { return global.count(name) > 0; });
            });
        }
    }
    return nodes;
}

std::vector<std::string> subcommand_names(const CommandNode& n)
{
    std::vector<std::string> names;
    for (const auto& s : n.subcommands) {
        names.push_back(s.name);
    }
    return names.empty() ? n.arguments : names;
}

// Patterns grouped by what they yield, so each kind is one case branch: {value word -> ["path|--opt", ...]}.
std::map<std::string, std::vector<std::string>> value_cases(const std::vector<CommandNode>& nodes, bool global)
{
    std::map<std::string, std::vector<std::string>> cases;
    for (const auto& n : nodes) {
        if (n.path.empty() != global) {
            continue;
        }
        for (const auto& o : n.options) {
            if (o.value == ValueKind::none) {
                continue; // the fallback
            }
            for (const auto& name : o.names) {
                cases[value_word(o)].push_back(global ? name : n.path + "|" + name);
            }
        }
    }
    return cases;
}

} // namespace redops::cli
