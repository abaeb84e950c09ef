// The bash and zsh completion scripts: shared tables of option values and command paths, and a driver per shell.
#include "cli/completion_model.h"

#include <fmt/format.h>
#include <sstream>

namespace redops::cli {

namespace {

// A single-quoted word for bash and zsh.
std::string sh_quote(std::string_view text)
{
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Shell functions bash and zsh share: what an option's value is, and which command path a word leads to.
std::string posix_tables(const std::vector<CommandNode>& nodes)
{
    std::ostringstream s;
    auto branches = [&](const std::map<std::string, std::vector<std::string>>& cases, const char* indent) {
        for (const auto& [value, patterns] : cases) {
            std::vector<std::string> quoted;
            for (const auto& p : patterns) {
                quoted.push_back(sh_quote(p));
            }
            s << indent << join_words(quoted, "|") << ") REPLY=" << sh_quote(value) << " ;;\n";
        }
    };
    s << "# $1: command path, $2: an option; REPLY: flag, any, file, dir, profile or \"words:W1 W2...\"\n"
         "_redops_value() {\n"
         "    case \"$1|$2\" in\n";
    branches(value_cases(nodes, false), "        ");
    s << "        *) case \"$2\" in\n";
    branches(value_cases(nodes, true), "               ");
    s << "               *) REPLY=flag ;;\n"
         "           esac ;;\n"
         "    esac\n"
         "}\n"
         "# $1: command path, $2: a word; REPLY: the command path the word leads to, or empty\n"
         "_redops_sub() {\n"
         "    case \"$1|$2\" in\n";
    for (const auto& n : nodes) {
        for (const auto& sub : n.subcommands) {
            std::string next = n.path.empty() ? sub.name : n.path + " " + sub.name;
            s << "        " << sh_quote(n.path + "|" + sub.name) << ") REPLY=" << sh_quote(next) << " ;;\n";
        }
    }
    s << "        *) REPLY= ;;\n"
         "    esac\n"
         "}\n";
    return s.str();
}

// The loop both shells run over the words before the cursor (array `words`, from index $first to the cursor's
// $cword): sets cmdpath, pending (an option whose value is being completed), config (--config F) and dashdash
// (1 + the number of words after "--").
std::string posix_walk(std::string_view words)
{
    std::string w(words);
    return fmt::format(R"(    for ((i = first; i < cword; i++)); do
        w=${{{0}[i]}}
        if ((dashdash)); then ((dashdash++)); continue; fi
        case $w in
            --) dashdash=1 ;;
            --*=*) [[ ${{w%%=*}} == --config ]] && config=(--config "${{w#*=}}") ;;
            -*)
                if [[ ${{{0}[i+1]}} == = ]]; then # bash splits --opt=value at the '='
                    ((i + 2 >= cword)) && pending=$w
                    [[ $w == --config ]] && config=(--config "${{{0}[i+2]}}")
                    ((i += 2))
                    continue
                fi
                _redops_value "$cmdpath" "$w"
                if [[ $REPLY != flag ]]; then
                    if ((i + 1 == cword)); then pending=$w; fi
                    [[ $w == --config ]] && config=(--config "${{{0}[i+1]}}")
                    ((i++))
                fi ;;
            *) _redops_sub "$cmdpath" "$w"; [[ -n $REPLY ]] && cmdpath=$REPLY ;;
        esac
    done
)",
                       w);
}

} // namespace

std::string bash_script(const std::vector<CommandNode>& nodes)
{
    std::ostringstream s;
    s << "# bash completion for redops (generated from its command table by `redops completion bash`)\n"
      << posix_tables(nodes)
      << "# $1: command path; REPLY: its subcommands (or argument values), OPTS: its own options\n"
         "_redops_words() {\n"
         "    case \"$1\" in\n";
    for (const auto& n : nodes) {
        s << "        " << sh_quote(n.path) << ") REPLY=" << sh_quote(join_words(subcommand_names(n)))
          << "; OPTS=" << sh_quote(join_words(option_names(n))) << " ;;\n";
    }
    s << "    esac\n"
         "}\n"
         "_redops() {\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} cmdpath= w REPLY OPTS globals pending= i dashdash=0\n"
         "    local first=1 cword=$COMP_CWORD\n"
         "    local -a config=()\n"
      << posix_walk("COMP_WORDS")
      << "    [[ $cur == = ]] && cur=\n"
         "    COMPREPLY=()\n"
         "    if [[ -n $pending ]]; then\n"
         "        _redops_value \"$cmdpath\" \"$pending\"\n"
         "        case $REPLY in\n"
         "            words:*) COMPREPLY=($(compgen -W \"${REPLY#words:}\" -- \"$cur\")) ;;\n"
         "            file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n"
         "            dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\") ;;\n"
         "            profile) COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" \"${config[@]}\" completion "
         "--list-profiles 2>/dev/null)\" -- \"$cur\")) ;;\n"
         "        esac\n"
         "        return 0\n"
         "    fi\n"
         "    if ((dashdash)); then # lock run NAME -- CMD ARGS...\n"
         "        compopt -o filenames 2>/dev/null\n"
         "        if ((dashdash == 1)); then mapfile -t COMPREPLY < <(compgen -c -- \"$cur\");\n"
         "        else mapfile -t COMPREPLY < <(compgen -f -- \"$cur\"); fi\n"
         "        return 0\n"
         "    fi\n"
         "    _redops_words \"\"\n"
         "    globals=$OPTS\n"
         "    _redops_words \"$cmdpath\"\n"
         "    if [[ $cur == -* ]]; then\n"
         "        [[ -n $cmdpath ]] && OPTS+=\" $globals\"\n"
         "        COMPREPLY=($(compgen -W \"$OPTS\" -- \"$cur\"))\n"
         "    else\n"
         "        COMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
         "    fi\n"
         "    return 0\n"
         "}\n"
         "complete -F _redops redops\n";
    return s.str();
}

std::string zsh_script(const std::vector<CommandNode>& nodes)
{
    std::ostringstream s;
    // Works both autoloaded from $fpath by compinit (the file is then the body of _redops, which defines the
    // functions and completes at once, so the first TAB of a new shell completes) and sourced (compdef).
    s << "#compdef redops\n"
         "# zsh completion for redops (generated from its command table by `redops completion zsh`)\n"
      << posix_tables(nodes)
      << "# $1: command path; subs: its subcommands (or argument values), optlist: its own options, as "
         "name:description\n"
         "_redops_described() {\n"
         "    case \"$1\" in\n";
    auto entry = [](const std::string& name, const std::string& description) {
        return sh_quote(name + (description.empty() ? "" : ":" + description));
    };
    for (const auto& n : nodes) {
        std::vector<std::string> subs;
        for (const auto& sub : n.subcommands) {
            subs.push_back(entry(sub.name, sub.description));
        }
        for (const auto& arg : n.subcommands.empty() ? n.arguments : std::vector<std::string>{}) {
            subs.push_back(entry(arg, ""));
        }
        std::vector<std::string> opts;
        for (const auto& o : n.options) {
            for (const auto& name : o.names) {
                opts.push_back(entry(name, o.description));
            }
        }
        s << "        " << sh_quote(n.path) << ") subs=(" << join_words(subs) << "); optlist=(" << join_words(opts)
          << ") ;;\n";
    }
    s << "    esac\n"
         "}\n"
         "_redops() {\n"
         "    local cur=${words[CURRENT]} cmdpath= w REPLY pending= i dashdash=0 first=2 cword=$CURRENT\n"
         "    local -a config subs optlist globals candidates\n"
      << posix_walk("words")
      << "    if [[ -z $pending && $dashdash == 0 && $cur == --*=* ]]; then\n"
         "        pending=${cur%%=*}\n"
         "        compset -P '*='\n"
         "    fi\n"
         "    if [[ -n $pending ]]; then\n"
         "        _redops_value \"$cmdpath\" \"$pending\"\n"
         "        case $REPLY in\n"
         "            words:*) compadd -- ${=REPLY#words:} ;;\n"
         "            file) _files ;;\n"
         "            dir) _files -/ ;;\n"
         "            profile)\n"
         "                candidates=(${(f)\"$(${words[1]} $config completion --list-profiles 2>/dev/null)\"})\n"
         "                compadd -- $candidates ;;\n"
         "            *) _message -e values \"value for $pending\" ;;\n"
         "        esac\n"
         "        return\n"
         "    fi\n"
         "    if ((dashdash)); then # lock run NAME -- CMD ARGS...\n"
         "        if ((dashdash == 1)); then _command_names -e; else _files; fi\n"
         "        return\n"
         "    fi\n"
         "    _redops_described \"\"\n"
         "    globals=(\"${optlist[@]}\")\n"
         "    _redops_described \"$cmdpath\"\n"
         "    if [[ $cur == -* ]]; then\n"
         "        [[ -n $cmdpath ]] && optlist+=(\"${globals[@]}\")\n"
         "        _describe -t options option optlist\n"
         "    else\n"
         "        _describe -t commands command subs\n"
         "    fi\n"
         "}\n"
         "if [[ $funcstack[1] == _redops ]]; then\n"
         "    _redops \"$@\"\n"
         "else\n"
         "    compdef _redops redops\n"
         "fi\n";
    return s.str();
}

} // namespace redops::cli
