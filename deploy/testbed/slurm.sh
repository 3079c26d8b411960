#!/usr/bin/env bash
# A small Slurm cluster on the netns testbed, for qcoord's Slurm host source (docs/slurm.md).
#
#   slurm.sh up N     testbed.sh up N (netns hosts h1..hN, each with only its own qemu-system-*),
#                     then munged, slurmctld (this namespace, on the bridge address) and one slurmd
#                     per host inside that host's network and mount namespaces; waits until every
#                     node is idle and proves `srun -w hI` runs there and sees that host's binaries
#   slurm.sh down     stops what `up` started (by PID), then testbed.sh down
#   slurm.sh env      prints `export SLURM_CONF=…` for the clients (sinfo, srun, scontrol, scancel)
#
# Nodes are named like the SSH hosts (h1, h2, …) and carry the features `qemu-<target>` of the
# host's binaries, so an SSH run and a Slurm run of one job can be compared test by test.
# Plugins that need no cgroups or database: proctrack/linuxproc, task/none, no accounting.
# Debian 12 packages (scripts/setup.sh): slurmctld slurmd slurm-client munge (Slurm 22.05).
#
# Environment: those of testbed.sh (QCOORD_TESTBED_DIR, _PREFIX, _NET, _PYTHON, _QEMU_DIR), and
#   QCOORD_SLURM_PORT   slurmctld's port; slurmd listens on the next one (default 6917)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export QCOORD_TESTBED_DIR=${QCOORD_TESTBED_DIR:-$REPO/build/testbed-slurm}
export QCOORD_TESTBED_PREFIX=${QCOORD_TESTBED_PREFIX:-qcsl}
export QCOORD_TESTBED_NET=${QCOORD_TESTBED_NET:-10.231.29}
export QCOORD_TESTBED_MODE=netns
STATE=$QCOORD_TESTBED_DIR
NET=$QCOORD_TESTBED_NET
PORT=${QCOORD_SLURM_PORT:-6917}
SL=$STATE/slurm
CONF=$SL/slurm.conf

die() { echo "slurm testbed: $*" >&2; exit 1; }

features_of() {  # host dir → qemu-<target>,… of the binaries that host may run
    local out=""
    for f in "$1"/bin/qemu-system-* ; do [ -e "$f" ] || continue; out="$out,qemu-${f##*/qemu-system-}"; done
    # Without QCOORD_TESTBED_QEMU_DIR the host's bin/ holds links to /usr/bin's binaries.
    echo "${out#,}"
}

write_conf() {  # n
    local ctl; ctl=$(hostname -s)
    cat >"$CONF" <<CONF
# made by deploy/testbed/slurm.sh
ClusterName=qcoordtb
SlurmctldHost=$ctl($NET.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SL/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$SL/ctld-state
SlurmctldPidFile=$SL/slurmctld.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdSpoolDir=$SL/%n/spool
SlurmdPidFile=$SL/%n/slurmd.pid
SlurmdLogFile=$SL/%n/slurmd.log
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=30
SlurmctldDebug=info
SlurmdDebug=info
CONF
    # slurmd 22.05 loads a cgroup plugin even when no other plugin uses it; autodetection fails
    # where /sys/fs/cgroup is a tmpfs of v1 hierarchies (containers), so name the version.
    if [ -d /sys/fs/cgroup/freezer ]; then echo "CgroupPlugin=cgroup/v1"; else echo "CgroupPlugin=autodetect"; fi >"$SL/cgroup.conf"
    local nodes=""
    for i in $(seq 1 "$1"); do
        local feats; feats=$(features_of "$STATE/h$i")
        echo "NodeName=h$i NodeAddr=$NET.$((i + 1)) CPUs=2 RealMemory=1000 Features=${feats:-none} State=UNKNOWN" >>"$CONF"
        nodes="$nodes,h$i"
    done
    echo "PartitionName=qcoord Nodes=${nodes#,} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4" >>"$CONF"
}

up() {
    local n=${1:-3}
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null \
        || die "slurmctld, slurmd and munged are needed (scripts/setup.sh installs them)"
    bash "$HERE/testbed.sh" up "$n"
    mkdir -p "$SL/munge" "$SL/ctld-state"
    chmod 0700 "$SL/munge"
    # munged: own key, socket, pid and log; one daemon serves every namespace (a Unix socket).
    dd if=/dev/urandom of="$SL/munge/munge.key" bs=1024 count=1 status=none
    chmod 0400 "$SL/munge/munge.key"
    munged --force --key-file="$SL/munge/munge.key" --socket="$SL/munge/munge.socket" \
        --pid-file="$SL/munge/munged.pid" --log-file="$SL/munge/munged.log" --seed-file="$SL/munge/munged.seed"
    for _ in $(seq 1 100); do [ -s "$SL/munge/munged.pid" ] && break; sleep 0.05; done
    [ -s "$SL/munge/munged.pid" ] || die "munged did not start; see $SL/munge/munged.log"
    echo "pid $(cat "$SL/munge/munged.pid") munged" >>"$STATE/made.list"

    write_conf "$n"
    slurmctld -f "$CONF"
    for _ in $(seq 1 100); do [ -s "$SL/slurmctld.pid" ] && break; sleep 0.1; done
    [ -s "$SL/slurmctld.pid" ] || die "slurmctld did not start; see $SL/slurmctld.log"
    echo "pid $(cat "$SL/slurmctld.pid") slurmctld" >>"$STATE/made.list"

    for i in $(seq 1 "$n"); do
        mkdir -p "$SL/h$i/spool"
        # Into the host's network and mount namespaces (those of its sshd): slurmd and every
        # step it starts see only that host's qemu-system-* binaries.
        local sshd; sshd=$(cat "$STATE/h$i/sshd.pid")
        nsenter -t "$sshd" -n -m slurmd -f "$CONF" -N "h$i"
        for _ in $(seq 1 100); do [ -s "$SL/h$i/slurmd.pid" ] && break; sleep 0.1; done
        [ -s "$SL/h$i/slurmd.pid" ] || die "slurmd of h$i did not start; see $SL/h$i/slurmd.log"
        echo "pid $(cat "$SL/h$i/slurmd.pid") slurmd-h$i" >>"$STATE/made.list"
    done

    export SLURM_CONF=$CONF
    local idle=0
    for _ in $(seq 1 150); do
        idle=$(sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2=="idle"' | wc -l)
        [ "$idle" -ge "$n" ] && break
        sleep 0.2
    done
    [ "$idle" -ge "$n" ] || { sinfo -N -l >&2 || true; die "not every node is idle; see $SL/slurmctld.log"; }
    for i in $(seq 1 "$n"); do
        local want; want=$(features_of "$STATE/h$i" | tr ',' '\n' | sed 's/^qemu-//' | sort | tr '\n' ' ')
        local seen
        seen=$(timeout 60 srun -w "h$i" -N1 -n1 sh -c 'for b in /usr/bin/qemu-system-*; do [ -L "$b" ] && continue; [ -s "$b" ] && echo "${b##*/qemu-system-}"; done; true' \
            | sort | tr '\n' ' ') || die "srun -w h$i failed"
        [ "$seen" = "$want" ] || die "srun -w h$i sees qemu-system-{$seen}, expected {$want}"
        echo "slurm testbed: srun -w h$i runs there and sees qemu-system-{$seen}"
    done
    echo "slurm testbed: $n nodes idle; export SLURM_CONF=$CONF"
}

down() {
    if [ -e "$STATE/made.list" ]; then
        # Jobs first (their steps end with their slurmd), then the daemons, by PID.
        if [ -s "$SL/slurmctld.pid" ]; then SLURM_CONF=$CONF timeout 10 scancel --partition=qcoord 2>/dev/null || true; fi
        for f in "$SL"/h*/slurmd.pid "$SL/slurmctld.pid" "$SL/munge/munged.pid"; do
            [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
        done
        sleep 0.5
        for f in "$SL"/h*/slurmd.pid "$SL/slurmctld.pid" "$SL/munge/munged.pid"; do
            [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
        done
    fi
    bash "$HERE/testbed.sh" down
}

case ${1:-} in
    up) up "${2:-3}" ;;
    down) down ;;
    env) echo "export SLURM_CONF=$CONF" ;;
    *) echo "usage: $0 up N | down | env" >&2; exit 2 ;;
esac
