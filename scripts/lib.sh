# Shared by scripts/test and scripts/demo: install what is missing, configure and build.
# shellcheck shell=bash

REDOPS_PACKAGES=(cmake ninja-build g++ pkg-config libcli11-dev libfmt-dev nlohmann-json3-dev catch2
                 libhiredis-dev libssl-dev libcpp-httplib-dev redis-server redis-sentinel redis-tools openssl procps time python3
                 curl libmonitoring-plugin-perl mandoc zsh fish bash-completion dpkg-dev file hyperfine jq
                 python3-jsonschema libutf8proc-dev clang-format-14 clang-tidy-14)

redops_install_missing() {
    local missing=() p
    for p in "${REDOPS_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
        sudo=sudo
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# promtool for the tests' `promtool check metrics`, without installing all of Prometheus: Debian's prometheus
# package is downloaded once and only its promtool extracted into DIR. Prints the path; fails loudly.
redops_promtool() {
    local dir=$1
    if command -v promtool >/dev/null; then
        command -v promtool
        return 0
    fi
    if [ ! -x "$dir/usr/bin/promtool" ]; then
        local tmp
        tmp=$(mktemp -d)
        (cd "$tmp" && { apt-get download prometheus >/dev/null 2>&1 ||
                        { apt-get update -qq && apt-get download prometheus >/dev/null; }; }) ||
            { echo "cannot download Debian's prometheus package for promtool" >&2; rm -rf "$tmp"; return 1; }
        mkdir -p "$dir"
        dpkg-deb --fsys-tarfile "$tmp"/prometheus_*.deb | tar -x -C "$dir" ./usr/bin/promtool
        rm -rf "$tmp"
    fi
    echo "$dir/usr/bin/promtool"
}

# redops_build BUILD_DIR [extra cmake args...]
# redops_build BUILD_DIR [extra cmake args...]; REDOPS_TARGET (e.g. redops) builds that target only.
redops_build() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)" ${REDOPS_TARGET:+--target "$REDOPS_TARGET"}
}

# Kills every redis-server/redis-sentinel whose command line names DIR (the run's private temp dir).
redops_kill_servers_under() {
    local dir=$1 pid
    for pid in $(pgrep -f "redis-(server|sentinel).*${dir}" 2>/dev/null || true); do
        kill "$pid" 2>/dev/null || true
    done
}
