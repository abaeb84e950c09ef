// The fish completion script: a command path computed from the words before the cursor, and one `complete` line
// per subcommand and option, conditioned on that path.
#include "cli/completion_model.h"

#include <sstream>

namespace redops::cli {

namespace {

// A single-quoted word for fish (backslash and quote are escaped inside).
std::string fish_quote(std::string_view text)
{
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted + "'";
}

} // namespace

std::string fish_script(const std::vector<CommandNode>& nodes)
{
    std::ostringstream s;
    s << "# fish completion for redops (generated from its command table by `redops completion fish`)\n"
         "function __redops_value --description 'flag, any, file, dir, profile or words:... for option $argv[2] "
         "at command path $argv[1]'\n"
         "    switch \"$argv[1]|$argv[2]\"\n";
    auto branches = [&](const std::map<std::string, std::vector<std::string>>& cases) {
        for (const auto& [value, patterns] : cases) {
            std::vector<std::string> quoted;
            for (const auto& p : patterns) {
                quoted.push_back(fish_quote(p));
            }
            s << "        case " << join_words(quoted) << "\n            echo " << fish_quote(value)
              << "\n            return\n";
        }
    };
    branches(value_cases(nodes, false));
    s << "    end\n"
         "    switch \"$argv[2]\"\n";
    branches(value_cases(nodes, true));
    s << "    end\n"
         "    echo flag\n"
         "end\n"
         "function __redops_sub --description 'the command path word $argv[2] leads to from path $argv[1]'\n"
         "    switch \"$argv[1]|$argv[2]\"\n";
    for (const auto& n : nodes) {
        for (const auto& sub : n.subcommands) {
            s << "        case " << fish_quote(n.path + "|" + sub.name) << "\n            echo "
              << fish_quote(n.path.empty() ? sub.name : n.path + " " + sub.name) << "\n";
        }
    }
    s << "    end\n"
         "end\n"
         "function __redops_path --description 'the command path of the words before the cursor'\n"
         "    set -l tokens (commandline -opc)\n"
         "    set -l cmdpath ''\n"
         "    set -l i 2\n"
         "    while test $i -le (count $tokens)\n"
         "        set -l w $tokens[$i]\n"
         "        if test \"$w\" = --\n"
         "            break\n"
         "        else if string match -q -- '-*' $w\n"
         "            if not string match -q -- '*=*' $w; and test (__redops_value \"$cmdpath\" $w) != flag\n"
         "                set i (math $i + 1)\n"
         "            end\n"
         "        else\n"
         "            set -l next (__redops_sub \"$cmdpath\" $w)\n"
         "            if test -n \"$next\"\n"
         "                set cmdpath $next\n"
         "            end\n"
         "        end\n"
         "        set i (math $i + 1)\n"
         "    end\n"
         "    echo $cmdpath\n"
         "end\n"
         "function __redops_at --description 'whether the words before the cursor are command path $argv[1]'\n"
         "    set -l here (__redops_path)\n"
         "    test \"$here\" = \"$argv[1]\"\n"
         "end\n"
         "function __redops_profiles --description 'the profiles of the config file the command line names'\n"
         "    set -l tokens (commandline -opc)\n"
         "    set -l config\n"
         "    if set -l i (contains -i -- --config $tokens)\n"
         "        set config --config $tokens[(math $i + 1)]\n"
         "    end\n"
         "    for t in $tokens\n"
         "        string match -q -- '--config=*' $t; and set config $t\n"
         "    end\n"
         "    command $tokens[1] $config completion --list-profiles 2>/dev/null\n"
         "end\n"
         "complete -c redops -f\n";
    for (const auto& n : nodes) {
        const std::string at = fish_quote("__redops_at " + fish_quote(n.path));
        for (const auto& sub : n.subcommands) {
            s << "complete -c redops -n " << at << " -a " << fish_quote(sub.name) << " -d "
              << fish_quote(sub.description) << "\n";
        }
        if (n.subcommands.empty() && !n.arguments.empty()) {
            s << "complete -c redops -n " << at << " -a " << fish_quote(join_words(n.arguments)) << "\n";
        }
        for (const auto& o : n.options) {
            s << "complete -c redops" << (n.path.empty() ? "" : " -n " + at);
            for (const auto& name : o.names) {
                s << (name.size() == 2 ? " -s " + name.substr(1) : " -l " + name.substr(2));
            }
            switch (o.value) {
            case ValueKind::none: break;
            case ValueKind::any: s << " -x"; break;
            case ValueKind::words: s << " -x -a " << fish_quote(join_words(o.words)); break;
            case ValueKind::file: s << " -r -F"; break;
            case ValueKind::dir: s << " -x -a '(__fish_complete_directories)'"; break;
            case ValueKind::profile: s << " -x -a '(__redops_profiles)'"; break;
            }
            s << " -d " << fish_quote(o.description) << "\n";
        }
    }
    return s.str();
}

} // namespace redops::cli
