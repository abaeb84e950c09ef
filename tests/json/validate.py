#!/usr/bin/env python3
"""Validates real redops --json outputs against the schemas in docs/json.

Usage: validate.py SCHEMA_DIR CASES_FILE

CASES_FILE holds one JSON object per line: {"name": str, "schema": "token-get", "exit": int, "stdout": str}
("schema" names docs/json/<schema>.schema.json; "monitor-line" reads stdout as JSON Lines). Besides the schema,
every document obeys the exit-code contract: exit 0 carries "ok": true; exit 1 (the negative answer) "ok": false
and no "error"; exit 2-4 "ok": false and, unless its own schema says otherwise, the error document.
Every schema must be used by at least one case. Prints each failure; exits 1 when there was any.
"""
import json
import pathlib
import sys
import warnings

import jsonschema

# RefResolver is what Debian's python3-jsonschema (4.10) offers; newer releases still accept it with a warning.
warnings.filterwarnings("ignore", category=DeprecationWarning)

# Commands whose failure (exit >= 2) is still their own document, not the error document.
# (lock run exits with its command's status, which may be anything.)
OWN_FAILURE_DOCUMENT = {"ping", "monitor-line", "lock-run"}
# doctor keeps its own document, with "error", when a repair failed or a signal stopped the repairs (the document
# has its "checks"); a failure before its pass ended is the error document.
OWN_DOCUMENT_WITH_ERROR = {"doctor"}


def load_schemas(schema_dir):
    store = {}
    by_name = {}
    for path in sorted(pathlib.Path(schema_dir).glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        store[schema["$id"]] = schema
        by_name[path.name[: -len(".schema.json")]] = schema
    validators = {}
    for name, schema in by_name.items():
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return validators


# A healthy monitor sample carries no "ok" today (only an unhealthy one must); the rule applies where it is there.
OK_OPTIONAL = {"monitor-line"}


def contract_problems(doc, code, schema):
    if not isinstance(doc, dict):
        return ["not a JSON object"]
    problems = []
    if schema in OK_OPTIONAL and "ok" not in doc:
        return problems
    ok = doc.get("ok")
    if code == 0 and ok is not True:
        problems.append(f"exit 0 but ok is {ok!r}")
    if code == 1:
        if ok is not False:
            problems.append(f"exit 1 but ok is {ok!r}")
        if "error" in doc:
            problems.append("exit 1 (a negative answer) carries an error")
    if code == 5 and "error" in doc:
        problems.append("exit 5 (no verdict) carries an error")
    if code >= 2 and ok is not False:
        problems.append(f"exit {code} but ok is {ok!r}")
    return problems


def documents(case):
    text = case["stdout"]
    if case["schema"] == "monitor-line":
        lines = [line for line in text.split("\n") if line]
        return [json.loads(line) for line in lines] or None
    lines = [line for line in text.split("\n") if line]
    if len(lines) != 1:
        raise ValueError(f"expected exactly one line of JSON on stdout, got {len(lines)}")
    return [json.loads(lines[0])]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    validators = load_schemas(sys.argv[1])
    used = set()
    failures = 0
    count = 0
    for number, line in enumerate(pathlib.Path(sys.argv[2]).read_text().splitlines(), 1):
        if not line.strip():
            continue
        case = json.loads(line)
        name, schema, code = case["name"], case["schema"], case["exit"]
        count += 1
        problems = []
        if schema not in validators:
            problems.append(f"no schema {schema}.schema.json")
        else:
            used.add(schema)
            try:
                docs = documents(case)
                if not docs:
                    problems.append("no document on stdout")
            except ValueError as e:
                problems.append(f"stdout is no JSON document: {e}")
                docs = []
            for doc in docs or []:
                problems += contract_problems(doc, code, schema)
                own = schema in OWN_FAILURE_DOCUMENT and not (isinstance(doc, dict) and isinstance(doc.get("error"), dict))
                own = own or (schema in OWN_DOCUMENT_WITH_ERROR and isinstance(doc, dict) and "checks" in doc)
                # Exit 5 (ratelimit test: no verdict) is the command's own document, like exit 1.
                target = schema if code < 2 or code == 5 or own else "error"
                used.add(target)
                for error in validators[target].iter_errors(doc):
                    where = "/".join(str(p) for p in error.absolute_path) or "(document)"
                    problems.append(f"{target}.schema.json at {where}: {error.message[:300]}")
                    # oneOf: why each alternative failed, the deepest first
                    for sub in sorted(error.context, key=lambda e: -len(e.absolute_path))[:6]:
                        sub_where = "/".join(str(p) for p in sub.absolute_path) or "(document)"
                        problems.append(f"    alternative {list(sub.schema_path)[:1]} at {sub_where}: {sub.message[:200]}")
        if problems:
            failures += 1
            print(f"FAIL {name} (case {number}, exit {code}):")
            for p in problems:
                print(f"  {p}")
            print(f"  stdout: {case['stdout'][:2000]}")
    unused = sorted(set(validators) - used - {"common"})
    for schema in unused:
        failures += 1
        print(f"FAIL schema {schema}.schema.json: no case validates a real output against it")
    print(f"{count} cases, {len(used)} schemas used, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
