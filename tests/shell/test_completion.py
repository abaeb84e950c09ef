#!/usr/bin/env python3
"""test_completion.py SHELL REDOPS COMPLETIONS_DIR: drives the generated completion script in the real shell
(bash: the function with COMP_WORDS/COMP_CWORD set; zsh: a new interactive shell in a pseudo-terminal, one TAB;
fish: `complete -C`) and checks what it offers for each prefix of CASES. Exit 0 when every case holds."""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# (line typed before TAB, what must be offered exactly | None, what must be among them, what must not be)
CASES = [
    ("redops lo", {"lock"}, set(), set()),
    ("redops lock ac", {"acquire"}, set(), set()),
    ("redops lock acquire --t", None, {"--ttl", "--timeout", "--tls"}, {"--tenant", "--token"}),
    ("redops ", None, {"ping", "token", "lock", "completion", "config"}, {"show", "get", "--json"}),
    ("redops token ", {"get", "set", "flush", "list"}, set(), set()),
    ("redops token list --", None, {"--provider", "--json", "--config", "--help"}, {"--match", "--all", "--limit"}),
    ("redops sessions list --", None, {"--user", "--all", "--limit"}, {"--provider", "--match"}),
    ("redops lock list --m", None, {"--match", "--master", "--max-reply-bytes"}, {"--provider"}),
    ("redops -o ", {"table", "json"}, set(), set()),
    ("redops token get --output ", {"table", "json"}, set(), set()),
    ("redops --color ", {"auto", "always", "never"}, set(), set()),
    ("redops ping --format ", None, {"nagios"}, {"ping", "--json"}),
    ("redops ratelimit test --algorithm ", {"fixed-window", "sliding-log", "gcra"}, set(), set()),
    ("redops ratelimit test --algorithm g", {"gcra"}, set(), set()),
    ("redops --config ", None, {"conf.json", "notes.txt"}, {"ping", "token"}),
    ("redops --config co", {"conf.json"}, set(), set()),
    ("redops --profile ", {"prod", "staging"}, set(), set()),
    ("redops --config other.json --profile ", {"alpha"}, set(), set()),
    ("redops -h 10.0.0.5 pi", {"ping"}, set(), set()),
    ("redops ping --count 3 --i", None, {"--interval", "--insecure"}, set()),
    ("redops completion ", {"bash", "zsh", "fish"}, set(), set()),
    ("redops --json config s", {"show"}, set(), set()),
    ("redops --tls --reveal token ", {"get", "set", "flush", "list"}, set(), set()),
    ("redops --output=", {"table", "json"}, set(), set()),
    ("redops sessions invalidate -", None, {"-y", "--yes", "--dry-run", "--session", "-h"}, {"--provider"}),
]

CONFIG = '{ // profiles for the completion test\n "profiles": {"prod": {"db": 1}, "staging": {"db": 2}}\n}\n'
OTHER_CONFIG = '{"profiles": {"alpha": {"db": 3}}}\n'


def bash_words(line):
    """COMP_WORDS as bash builds them with the default COMP_WORDBREAKS: '=' is a word of its own."""
    words = []
    for word in line.split():
        parts = re.split(r"(=)", word)
        words.extend(p for p in parts if p != "")
    if line.endswith(" ") or line.endswith("="):
        words.append("")
    return words


def offered_bash(line, scripts, env, cwd):
    words = bash_words(line)
    program = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
               'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; _redops; printf "%s\\n" "${COMPREPLY[@]}"')
    return run(["bash", "--norc", "--noprofile", "-c", program, "bash", os.path.join(scripts, "redops.bash")] + words,
               env, cwd)


def offered_zsh(line, scripts, env, cwd):
    # compinit finds _redops in its own directory, as it finds the installed one in vendor-completions.
    fpath_dir = os.path.join(env["HOME"], "zfunc")
    os.makedirs(fpath_dir, exist_ok=True)
    with open(os.path.join(scripts, "_redops")) as src, open(os.path.join(fpath_dir, "_redops"), "w") as dst:
        dst.write(src.read())
    return run(["zsh", "-f", os.path.join(HERE, "zsh_complete.zsh"), fpath_dir, line], env, cwd)


def offered_fish(line, scripts, env, cwd):
    program = 'set -g fish_complete_path $argv[1] $fish_complete_path; complete -C $argv[2]'
    out = run(["fish", "--no-config", "-c", program, scripts, line], env, cwd)
    # fish prints "candidate<TAB>description"; a --opt=value candidate repeats the option.
    return [c.split("\t")[0].split("=", 1)[-1] for c in out]


def run(argv, env, cwd):
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {result.returncode}: {result.stderr.strip()}")
    return [l for l in result.stdout.splitlines() if l.strip() != ""]


def normalise(offered):
    # Directories may carry a "/" (zsh's _files).
    return {o.rstrip("/") for o in offered}


def main():
    shell, redops, scripts = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    drive = {"bash": offered_bash, "zsh": offered_zsh, "fish": offered_fish}[shell]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="redops-completion-") as tmp:
        home = os.path.join(tmp, "home")
        work = os.path.join(tmp, "work")
        os.makedirs(home)
        os.makedirs(work)
        for name, text in (("conf.json", CONFIG), ("other.json", OTHER_CONFIG), ("notes.txt", "")):
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
        env = {"PATH": os.path.dirname(redops) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
               "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
               "XDG_DATA_HOME": os.path.join(home, ".local/share"), "TERM": "dumb", "LANG": "C.UTF-8",
               "REDOPS_CONFIG": os.path.join(work, "conf.json"),
               "ASAN_OPTIONS": "detect_leaks=0"}
        for line, exact, present, absent in CASES:
            try:
                offered = normalise(drive(line, scripts, env, work))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"FAIL {shell} {line!r}: {e}")
                failures += 1
                continue
            problems = []
            if exact is not None and offered != exact:
                problems.append(f"expected exactly {sorted(exact)}")
            if not present <= offered:
                problems.append(f"missing {sorted(present - offered)}")
            if absent & offered:
                problems.append(f"must not offer {sorted(absent & offered)}")
            status = "FAIL" if problems else "ok"
            print(f"{status:4} {shell} {line!r} -> {sorted(offered)} {'; '.join(problems)}")
            failures += bool(problems)
    print(f"{len(CASES) - failures}/{len(CASES)} prefixes complete as expected in {shell}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
