#!/usr/bin/env python3
"""test_help.py man|examples REDOPS MAN_DIR

Walks every command of `redops --help` (so a new command is covered the day it is added).
man:      every option its --help shows is in its man page (redops-GROUP.1, else redops.1), and the help ends
          with 2-3 examples.
examples: every example runs against an unreachable server without a usage error (exit 2): the examples parse.
"""

import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import tempfile

OPTION = re.compile(r"^\s{2,}(-[\w-]+(?:,\s*-[\w-]+)*)")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)


def help_of(redops, path):
    result = run([redops] + path + ["--help"])
    if result.returncode != 0:
        raise RuntimeError(f"redops {' '.join(path)} --help exited {result.returncode}: {result.stderr}")
    return result.stdout


def parse_help(text):
    """(options, subcommands, examples) of one --help text as CLI11 prints it."""
    options, subcommands, examples = [], [], []
    section = None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line[:-1].strip()
            continue
        if section == "Subcommands":
            m = re.match(r"^\s{2}(\S+)", line)
            if m:
                subcommands.append(m.group(1))
        elif section == "Examples":
            if line.strip():
                examples.append(line.strip())
        elif section is not None:
            m = OPTION.match(line)
            if m:
                names = [n.strip() for n in m.group(1).split(",")]
                options.append(names)
    return options, subcommands, examples


def walk(redops, path=()):
    text = help_of(redops, list(path))
    options, subcommands, examples = parse_help(text)
    yield list(path), options, examples
    for sub in subcommands:
        yield from walk(redops, path + (sub,))


def page_text(man_dir, path):
    page = os.path.join(man_dir, f"redops-{path[0]}.1") if path else ""
    if not os.path.exists(page):
        page = os.path.join(man_dir, "redops.1")
    rendered = run(["mandoc", "-T", "utf8", "-O", "width=250", page]).stdout
    return os.path.basename(page), re.sub(".\b", "", rendered)


def check_man(redops, man_dir):
    failures = 0
    commands = 0
    for path, options, examples in walk(redops):
        commands += 1
        name = " ".join(["redops"] + path)
        page, text = page_text(man_dir, path)
        for names in options:
            wanted = [n for n in names if n.startswith("--")] or names
            if wanted == ["--help"]:
                continue
            if not any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text) for n in wanted):
                print(f"FAIL {name}: {' '.join(names)} is in --help but not in {page}")
                failures += 1
        if not 2 <= len(examples) <= 3:
            print(f"FAIL {name}: --help ends with {len(examples)} examples, not 2-3")
            failures += 1
    print(f"{commands} commands: {'every option documented' if failures == 0 else f'{failures} problems'}")
    return failures


def example_argv(example):
    """The redops command line of an example: what follows 'redops' up to a pipe, redirection or `)`."""
    start = example.find("redops ")
    text = re.split(r"\s(?:\||>>?|\|\||&&)\s|\)", example[start:])[0]
    text = re.sub(r"rediss?://\S+", "redis://127.0.0.1:1", text)
    return shlex.split(text)[1:]


def run_example(redops, example, tmp, env):
    """(ok, exit code, output) of one example run against an unreachable server."""
    args = [os.path.join(tmp, os.path.basename(a)) if a.startswith("/") else a for a in example_argv(example)]
    own_url = "--url" in args or "-u" in args  # its URL was replaced by the unreachable one
    argv = [redops] + ([] if own_url else ["--url", "redis://127.0.0.1:1"]) + ["--connect-timeout", "300ms"] + args
    try:
        result = subprocess.run(argv, cwd=tmp, env=env, input="eyJhbGciOiJSUzI1NiJ9.x.y\n",
                                capture_output=True, text=True, timeout=3)
        code, out = result.returncode, (result.stderr + result.stdout).strip()
    except subprocess.TimeoutExpired:
        code, out = None, "still running after 3 s (a monitor keeps going while Redis is down)"
    # A Nagios verdict exits 2 for CRITICAL (Redis down) and 3 UNKNOWN for its own arguments.
    nagios = "--check" in args or "nagios" in args
    ok = (code != 3 or "UNKNOWN" not in out) if nagios else code != 2
    return ok, code, out


def check_examples(redops, man_dir):
    with tempfile.TemporaryDirectory(prefix="redops-examples-") as tmp:
        for name, text in (("tok.txt", "eyJhbGciOiJSUzI1NiJ9.x.y\n"), ("ids.txt", "msg-1\n"), ("ca.pem", "x\n")):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        with open(os.path.join(tmp, "config.json"), "w") as f:
            f.write('{"profiles": {"prod": {"db": 1}, "staging": {"db": 2}}}\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "REDOPS"))}
        env.update({"REDOPS_CONFIG": os.path.join(tmp, "config.json"), "HOME": tmp, "TOKEN": "t",
                    "ASAN_OPTIONS": "detect_leaks=0"})
        examples = list(dict.fromkeys(e for _, _, found in walk(redops) for e in found))
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda e: run_example(redops, e, tmp, env), examples))
    failures = 0
    for example, (ok, code, out) in zip(examples, results):
        print(f"{'ok' if ok else 'FAIL':4} exit {code}: {example}" + ("" if ok else f"\n     {out}"))
        failures += not ok
    print(f"{len(examples) - failures}/{len(examples)} examples parse")
    return failures


def main():
    mode, redops, man_dir = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    check = {"man": check_man, "examples": check_examples}[mode]
    return 1 if check(redops, man_dir) else 0


if __name__ == "__main__":
    sys.exit(main())
