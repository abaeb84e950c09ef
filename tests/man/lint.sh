#!/usr/bin/env bash
# lint.sh MAN_DIR: every man page passes `mandoc -Tlint -Wwarning` (no warning, no error).
set -uo pipefail
status=0 pages=0
for page in "$1"/*.[1-9]; do
    pages=$((pages + 1))
    mandoc -Tlint -Wwarning "$page" || status=1
done
[ "$pages" -gt 0 ] || { echo "no man pages in $1" >&2; exit 1; }
[ "$status" -eq 0 ] && echo "$pages man pages lint-clean"
exit "$status"
