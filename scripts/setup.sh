#!/usr/bin/env bash
# Installs what a clean Debian 12 machine lacks for building and testing qcoord.
# Idempotent: a second run installs nothing. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libssh-dev openssh-server openssh-client iproute2 pkg-config
              qemu-system-x86 qemu-system-arm qemu-system-misc qemu-system-ppc
              python3 python3-venv chromium tmux man-db
              slurmctld slurmd slurm-client munge)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python venvs with the reference Avocado versions (113.0, and 88.1 which QEMU 7.x pins).
PY=${PYTHON:-python3}
make_venv() {  # dir version
    local dir=$1 version=$2
    if [ -x "$dir/bin/avocado" ] && "$dir/bin/avocado" --version 2>/dev/null | grep -q "$version"; then return; fi
    echo "setup: creating $dir with avocado-framework==$version"
    rm -rf "$dir"
    "$PY" -m venv "$dir"
    # Avocado imports pkg_resources, which setuptools 81 dropped (Python ≥ 3.12 venvs have none seeded).
    "$dir/bin/pip" install -q --disable-pip-version-check "avocado-framework==$version" "setuptools<81" ${3:-}
}
make_venv build/venv-avocado113 113.0 "vermin jsonschema xmlschema"
# jsonschema validates results.json in make check; add it to venvs made before it was listed.
build/venv-avocado113/bin/python -c "import jsonschema" 2>/dev/null \
    || build/venv-avocado113/bin/pip install -q --disable-pip-version-check jsonschema
# xmlschema validates results.xml against docs/junit.xsd (the report integration tests).
build/venv-avocado113/bin/python -c "import xmlschema" 2>/dev/null \
    || build/venv-avocado113/bin/pip install -q --disable-pip-version-check xmlschema
make_venv build/venv-avocado88 88.1
