#!/usr/bin/env bash
# A cluster of N SSH "hosts" on this machine, for qcoord's integration tests and demos.
#
#   testbed.sh up N     create hosts 1..N, write inventory.yaml, known_hosts, id_ed25519 into the state dir
#   testbed.sh down     remove everything `up` made (by PID and by name), then the state dir
#   testbed.sh status   list what is recorded as made
#
# Each host is a network namespace (veth into a bridge in the root namespace), running its own
# sshd (own host key, config, PidFile, log) inside its own mount namespace, where:
#   * only that host's qemu-system-* binaries are executable (every other one has an empty,
#     non-executable file bind-mounted over it), so PATH search on the host sees exactly its set;
#   * /root is the host's own lean home (empty .bashrc: sshd makes bash read it even for exec).
# Without network namespaces (not root, no `ip netns`), sshd instances listen on loopback
# ports instead and each host gets a directory of symlinks to its binaries (inventory:
# qemu_dirs + qemu_path_search: false).
#
# Environment (so two suites never collide):
#   QCOORD_TESTBED_DIR     state dir              (default: <repo>/build/testbed)
#   QCOORD_TESTBED_PREFIX  name prefix, ≤ 6 chars (default: qctb)
#   QCOORD_TESTBED_NET     first 3 octets         (default: 10.231.0) — host i is NET.(i+1), the bridge NET.1
#   QCOORD_TESTBED_PORT    first loopback port for the fallback (default: 22400)
#   QCOORD_TESTBED_MODE    netns | loopback       (default: netns when possible)
#   QCOORD_TESTBED_PYTHON  the hosts' python (inventory defaults; default: /usr/bin/python3), e.g. a venv with Avocado
#   QCOORD_TESTBED_QEMU_DIR  take each host's qemu-system-* (and qemu-img) from this directory instead of
#                          /usr/bin, e.g. build/qemu-10.0/bin (scripts/qemu-material.sh); the inventory then
#                          lists the host's own directory of symlinks (qemu_dirs, qemu_path_search: false)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STATE=${QCOORD_TESTBED_DIR:-$REPO/build/testbed}
PREFIX=${QCOORD_TESTBED_PREFIX:-qctb}
NET=${QCOORD_TESTBED_NET:-10.231.0}
PORT_BASE=${QCOORD_TESTBED_PORT:-22400}
MADE=$STATE/made.list
SSHD=/usr/sbin/sshd

# Binary sets per host, disjoint; host i uses entry (i-1) mod count. QCOORD_TESTBED_ARCH_SETS
# ("x86_64;x86_64;x86_64": sets separated by ';') replaces them, e.g. for hosts that are alike.
ARCH_SETS=("x86_64 i386" "aarch64 arm" "ppc ppc64 riscv64" "s390x m68k" "alpha sh4")
if [ -n "${QCOORD_TESTBED_ARCH_SETS:-}" ]; then
    IFS=';' read -r -a ARCH_SETS <<<"$QCOORD_TESTBED_ARCH_SETS"
fi

die() { echo "testbed: $*" >&2; exit 1; }
note() { echo "$*" >>"$MADE"; }

can_netns() {
    [ "$(id -u)" -eq 0 ] || return 1
    command -v ip >/dev/null || return 1
    local probe="${PREFIX}probe$$"
    ip netns add "$probe" 2>/dev/null || return 1
    ip netns del "$probe"
    command -v unshare >/dev/null
}

arch_set() { echo "${ARCH_SETS[$(( ($1 - 1) % ${#ARCH_SETS[@]} ))]}"; }

write_sshd_config() {  # host_dir listen_address port
    cat >"$1/sshd_config" <<CFG
Port $3
ListenAddress $2
HostKey $1/ssh_host_ed25519_key
AuthorizedKeysFile $1/authorized_keys
PidFile $1/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxSessions 50
MaxStartups 50:30:100
Subsystem sftp internal-sftp
LogLevel INFO
CFG
}

# Runs inside the host's new mount namespace (as `unshare -m` child): hides other binaries,
# swaps in the lean home, then starts sshd, which daemonizes and keeps the namespace alive.
start_sshd_script() {  # host_dir arch_list [dirs under /root to keep]
    cat <<SCRIPT
set -e
mount --make-rprivate /
for bin in /usr/bin/qemu-system-* /usr/local/bin/qemu-system-*; do
    [ -e "\$bin" ] || continue
    # A symlink (qemu-system-ppc64le -> qemu-system-ppc64) follows its target; binding over
    # it would hide the target instead.
    [ -L "\$bin" ] && continue
    name=\${bin##*/qemu-system-}
    case " $2 " in *" \$name "*) continue ;; esac
    mount --bind "$1/hidden" "\$bin"
done
# The hosts' python may live under the real /root (pyenv): keep that one directory visible
# in the lean home (bound before the home covers /root, carried along by --rbind).
for keep in $3; do
    mkdir -p "$1/home/\$(basename "\$keep")"
    mount --bind "\$keep" "$1/home/\$(basename "\$keep")"
done
mount --rbind "$1/home" /root
exec $SSHD -f "$1/sshd_config" -E "$1/sshd.log"
SCRIPT
}

wait_for_port() {  # address port
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

up() {
    local n=${1:-3}
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 200 ] || die "up N: N must be 1..200"
    [ ! -e "$MADE" ] || die "$STATE already holds a testbed; run '$0 down' first"
    [ ${#PREFIX} -le 6 ] || die "QCOORD_TESTBED_PREFIX must be at most 6 characters (interface names)"
    mkdir -p "$STATE" /run/sshd
    : >"$MADE"
    touch "$STATE/.qcoord-testbed"
    local mode=${QCOORD_TESTBED_MODE:-}
    if [ -z "$mode" ]; then if can_netns; then mode=netns; else mode=loopback; fi; fi
    echo "mode $mode" >"$STATE/mode"
    # A python (venv) whose interpreter resolves under /root: that top directory stays visible
    # in the hosts' own /root.
    KEEP_DIRS=""
    if [ -n "${QCOORD_TESTBED_PYTHON:-}" ]; then
        local real; real=$(readlink -f "$QCOORD_TESTBED_PYTHON")
        case $real in /root/*) KEEP_DIRS="/root/$(echo "${real#/root/}" | cut -d/ -f1)" ;; esac
    fi

    ssh-keygen -q -t ed25519 -N "" -C "qcoord-testbed-coordinator" -f "$STATE/id_ed25519"
    : >"$STATE/known_hosts"
    {
        echo "# qcoord testbed ($mode), made by deploy/testbed/testbed.sh"
        echo "defaults:"
        echo "  user: root"
        echo "  identity: $STATE/id_ed25519"
        echo "  python: ${QCOORD_TESTBED_PYTHON:-/usr/bin/python3}"
        echo "  labels: [testbed]"
        echo "hosts:"
    } >"$STATE/inventory.yaml"

    local bridge="${PREFIX}br"
    if [ "$mode" = netns ]; then
        ip link add "$bridge" type bridge
        note "link $bridge"
        ip addr add "$NET.1/24" dev "$bridge"
        ip link set "$bridge" up
    fi

    for i in $(seq 1 "$n"); do
        local name="h$i" dir="$STATE/h$i" arches address port
        arches=$(arch_set "$i")
        mkdir -p "$dir/home/.ssh" "$dir/bin"
        : >"$dir/home/.bashrc"
        printf 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' >"$dir/home/.profile"
        : >"$dir/hidden"; chmod 0644 "$dir/hidden"
        cp "$STATE/id_ed25519.pub" "$dir/authorized_keys"
        ssh-keygen -q -t ed25519 -N "" -C "qcoord-testbed-$name" -f "$dir/ssh_host_ed25519_key"
        local qemu_from=${QCOORD_TESTBED_QEMU_DIR:-/usr/bin}
        for a in $arches; do
            if [ -x "$qemu_from/qemu-system-$a" ]; then ln -sfn "$qemu_from/qemu-system-$a" "$dir/bin/qemu-system-$a"; fi
        done
        if [ -n "${QCOORD_TESTBED_QEMU_DIR:-}" ] && [ -x "$qemu_from/qemu-img" ]; then ln -sfn "$qemu_from/qemu-img" "$dir/bin/qemu-img"; fi
        if [ "$mode" = netns ]; then
            local ns="${PREFIX}$i" veth="${PREFIX}v$i"
            address="$NET.$((i + 1))"; port=22
            ip netns add "$ns"; note "netns $ns"
            ip link add "$veth" type veth peer name eth0 netns "$ns"; note "link $veth"
            ip link set "$veth" master "$bridge" up
            ip -n "$ns" addr add "$address/24" dev eth0
            ip -n "$ns" link set eth0 up
            ip -n "$ns" link set lo up
            ip -n "$ns" route add default via "$NET.1"
            write_sshd_config "$dir" "$address" "$port"
            ip netns exec "$ns" unshare -m --propagation private bash -c "$(start_sshd_script "$dir" "$arches" "$KEEP_DIRS")"
        else
            address=127.0.0.1; port=$((PORT_BASE + i - 1))
            write_sshd_config "$dir" "$address" "$port"
            if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
                unshare -m --propagation private bash -c "$(start_sshd_script "$dir" "$arches" "$KEEP_DIRS")"
            else
                "$SSHD" -f "$dir/sshd_config" -E "$dir/sshd.log"
            fi
        fi
        for _ in $(seq 1 100); do [ -s "$dir/sshd.pid" ] && break; sleep 0.05; done
        [ -s "$dir/sshd.pid" ] || die "sshd of $name did not start; see $dir/sshd.log"
        note "pid $(cat "$dir/sshd.pid") $name"
        wait_for_port "$address" "$port" || die "sshd of $name does not answer on $address:$port; see $dir/sshd.log"

        local key; key=$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")
        if [ "$port" = 22 ]; then echo "$address $key"; else echo "[$address]:$port $key"; fi >>"$STATE/known_hosts"
        {
            echo "  - name: $name"
            echo "    address: $address"
            echo "    port: $port"
            echo "    labels: [$(echo "$arches" | sed 's/ /, /g')]"
            if [ "$mode" != netns ] || [ -n "${QCOORD_TESTBED_QEMU_DIR:-}" ]; then
                echo "    qemu_dirs: [$dir/bin]"
                echo "    qemu_path_search: false"
            fi
        } >>"$STATE/inventory.yaml"
        echo "testbed: $name at $address:$port with qemu-system-{$(echo "$arches" | tr ' ' ',')}"
    done
    echo "testbed: state in $STATE (inventory.yaml, known_hosts, id_ed25519)"
}

down() {
    [ -e "$MADE" ] || { echo "testbed: nothing recorded in $STATE"; rm -rf "$STATE"; return 0; }
    # Processes first (sshd and everything a test left running in the namespaces), by PID.
    while read -r kind what _; do
        case $kind in
            pid) kill "$what" 2>/dev/null || true ;;
            netns) for pid in $(ip netns pids "$what" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done ;;
        esac
    done <"$MADE"
    # Sessions of loopback-mode sshds are its children; they end with their connection.
    sleep 0.2
    tac "$MADE" | while read -r kind what _; do
        case $kind in
            pid) kill -9 "$what" 2>/dev/null || true ;;
            netns) ip netns del "$what" 2>/dev/null || true ;;
            link) ip link del "$what" 2>/dev/null || true ;;
        esac
    done
    [ -e "$STATE/.qcoord-testbed" ] && rm -rf "$STATE"
    echo "testbed: down"
}

case ${1:-} in
    up) up "${2:-3}" ;;
    down) down ;;
    status) cat "$MADE" 2>/dev/null || echo "testbed: nothing in $STATE" ;;
    *) echo "usage: $0 up N | down | status" >&2; exit 2 ;;
esac
