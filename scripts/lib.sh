# Shared by scripts/test and scripts/demo: install what is missing, configure and build.
# shellcheck shell=bash

REDOPS_PACKAGES=(cmake ninja-build g++ pkg-config libcli11-dev libfmt-dev nlohmann-json3-dev catch2
                 libhiredis-dev libssl-dev redis-server redis-sentinel redis-tools openssl procps time python3
                 python3-jsonschema libutf8proc-dev)

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

# redops_build BUILD_DIR [extra cmake args...]
redops_build() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

# Kills every redis-server/redis-sentinel whose command line names DIR (the run's private temp dir).
redops_kill_servers_under() {
    local dir=$1 pid
    for pid in $(pgrep -f "redis-(server|sentinel).*${dir}" 2>/dev/null || true); do
        kill "$pid" 2>/dev/null || true
    done
}
