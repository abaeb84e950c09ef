#!/usr/bin/env bash
# test_deb.sh BUILD_DIR: `cpack -G DEB` of the built tree (no rebuild) into a temp dir, the package unpacked with
# `dpkg -x` into a temp root; checks its control fields, the files it holds, that the binary is stripped and that
# the installed `redops --version` and man pages work.
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/redops-deb-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1) \
    || { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(ls "$tmp"/out/*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libhiredis libssl3 libc6 libstdc++6; do
    grep -q "$lib" <<<"$depends" || fail "Depends does not name $lib"
done
[ "$(dpkg-deb -f "$deb" Package)" = redops ] || fail "package name"

dpkg -x "$deb" "$tmp/root"
root=$tmp/root
(cd "$root" && find . -type f -o -type l | sort) >"$tmp/files"
sed 's/^/  /' "$tmp/files"
for f in usr/bin/redops \
         usr/share/man/man1/redops.1 usr/share/man/man1/redops-token.1 usr/share/man/man1/redops-lock.1 \
         usr/share/bash-completion/completions/redops \
         usr/share/zsh/vendor-completions/_redops \
         usr/share/fish/vendor_completions.d/redops.fish \
         usr/share/doc/redops/config.md usr/share/doc/redops/config.example.json \
         usr/share/doc/redops/copyright usr/share/doc/redops/CHANGELOG.md; do
    grep -qx "./$f" "$tmp/files" || fail "the package lacks /$f"
done
! grep -q ARCHITECTURE "$tmp/files" || fail "developer documentation in the package"

file "$root/usr/bin/redops" | grep -q ", stripped" || fail "the binary is not stripped: $(file "$root/usr/bin/redops")"
! readelf -S "$root/usr/bin/redops" | grep -q debug_info || fail "the binary has debug info"

version=$(ASAN_OPTIONS=detect_leaks=0 "$root/usr/bin/redops" --version)
echo "$version"
grep -qE '^redops [0-9]+\.[0-9]+\.[0-9]+$' <<<"$version" || fail "--version lacks the version"
grep -qE '^revision \S+$' <<<"$version" || fail "--version lacks the git revision"
grep -qE '^hiredis [0-9]+\.[0-9]+\.[0-9]+$' <<<"$version" || fail "--version lacks the hiredis version"
grep -qE '^OpenSSL [0-9]' <<<"$version" || fail "--version lacks the OpenSSL version"

# The example config loads, with every profile it defines.
example=$root/usr/share/doc/redops/config.example.json
for profile in "" $(ASAN_OPTIONS=detect_leaks=0 "$root/usr/bin/redops" --config "$example" completion --list-profiles); do
    ASAN_OPTIONS=detect_leaks=0 "$root/usr/bin/redops" --config "$example" ${profile:+--profile "$profile"} \
        config show >/dev/null || fail "the example config does not load${profile:+ with profile $profile}"
done

# The man pages name the config reference where the package puts it.
for page in "$root"/usr/share/man/man1/*.1; do
    for ref in $(grep -o '/usr/share/doc/redops/[A-Za-z0-9._/-]*' "$page" | sort -u); do
        [ -e "$root$ref" ] || fail "$(basename "$page") points at $ref, which the package does not install"
    done
done
grep -q /usr/share/doc/redops/config.md "$root/usr/share/man/man1/redops-config.1" \
    || fail "redops-config(1) does not point at the installed config reference"
mandoc -Tlint -Wwarning "$root"/usr/share/man/man1/*.1 || fail "installed man pages lint"

# The installed completion scripts are the ones the installed binary generates.
cmp -s "$root/usr/share/bash-completion/completions/redops" \
    <(ASAN_OPTIONS=detect_leaks=0 "$root/usr/bin/redops" completion bash) || fail "bash completion is stale"
echo "ok: $(wc -l <"$tmp/files") files"
