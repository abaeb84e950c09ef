#!/usr/bin/env zsh
# zsh_complete.zsh FPATH_DIR LINE: what a new interactive zsh (compinit, _redops autoloaded from FPATH_DIR) offers
# for LINE followed by one TAB, one match per line. Drives zle in a pseudo-terminal (zsh/zpty) and records the
# matches by wrapping compadd, as zsh-capture-completion does.
zmodload zsh/zpty || exit 2
local dir=$1 line=$2 out
zpty z zsh -f -i || exit 2
# The markers are split with "" in what is typed, so the terminal's echo of a command never matches them.
zpty -w z "PROMPT= RPROMPT= ; fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -d ~/.zcompdump-redops-test"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi;
  local -a __hits; builtin compadd -A __hits "$@"; local __h;
  for __h in $__hits; do print -r -- "<ma""tch>$__h"; done; builtin compadd "$@"; }'
zpty -w z '__capture_done() { print -r -- "<do""ne>"; exit 0 }; comppostfuncs=(__capture_done)'
zpty -w z 'bindkey "^I" complete-word; print -r -- "<rea""dy>"'
zpty -r z out '*<ready>*' || exit 2
zpty -w -n z "$line"$'\t'
zpty -r z out '*<done>*' || exit 2
local l
for l in ${(f)out}; do
    l=${l%$'\r'}
    [[ $l == *'<match>'* ]] && print -r -- "${l#*<match>}"
done
zpty -d z
