#!/usr/bin/env bash
# Fetches and prepares real QEMU material from the Debian archive (issue 16; docs/qemu-material.md):
#
#   build/qemu-10.0/src/   QEMU 10.0.x (bookworm-backports) tests/functional (flat layout), python/,
#                          scripts/, tests/data/ from the orig tarball
#   build/qemu-10.0/root/  its binary packages unpacked with dpkg -x (never over /usr)
#   build/qemu-10.0/bin/   wrappers qemu-system-<target>, qemu-img, … pointing the binaries at
#                          their own firmware (-L) and modules (QEMU_MODULE_DIR)
#   build/qemu-10.2/src/   QEMU 10.2.2 (sid) tests/functional (per-target layout), python/, …
#   build/qemu-7.2/src/    QEMU 7.2 (bookworm, the system's own suite) tests/avocado and python/
#                          only, from the orig tarball: the Avocado asset-discovery peer (issue 17)
#   build/qemu-*/pylib/    pycotap (python3-pycotap from bookworm-backports), which qemu_test imports
#   build/qemu-*/env.sh    PYTHONPATH etc. as meson sets them, for running a test by hand
#
# apt runs with an isolated configuration only (APT_CONFIG: no file of /etc/apt is read except
# the keyring the system's sources name): its sources, lists and caches live in
# ~/.cache/qcoord-dev/apt/. Every downloaded file is kept in ~/.cache/qcoord-dev/downloads/ and
# checked against the archive's sha256 before it is reused, so a fresh clone downloads nothing.
# Idempotent; a run with everything in place prints only the summary.
#
#   scripts/qemu-material.sh [--update] [--check]
#     --update   refresh the package lists (otherwise only when missing or older than 7 days)
#     --check    run the wrapper checks again (otherwise only when a tree is (re)built)
# Environment: QCOORD_DEV_CACHE (default ~/.cache/qcoord-dev), QEMU_MATERIAL_MIRROR (default: the
# Debian mirror of the system's sources), QEMU_MATERIAL_EXTRA_LIBS (library packages to unpack
# beside the binaries even when ldd finds nothing missing).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=$REPO/build
CACHE=${QCOORD_DEV_CACHE:-$HOME/.cache/qcoord-dev}
APTDIR=$CACHE/apt
DL=$CACHE/downloads
UPDATE=0; CHECK=0
for a in "$@"; do
    case $a in
        --update) UPDATE=1 ;;
        --check) CHECK=1 ;;
        *) echo "usage: $0 [--update] [--check]" >&2; exit 2 ;;
    esac
done

# Bumped when the layout of the prepared trees changes: a tree with another stamp is rebuilt.
LAYOUT=2
V102=1:10.2.2+ds-1              # sid; the 11.1 source packages sid lists are not served here
SRC_PARTS=(tests/functional python scripts tests/data VERSION)
SRC_PARTS72=(tests/avocado python VERSION)
QEMU_DEBS=(qemu-system-x86 qemu-system-arm qemu-system-ppc qemu-system-misc qemu-system-s390x
           qemu-system-riscv qemu-system-common qemu-system-data qemu-utils
           qemu-system-gui qemu-system-modules-opengl qemu-system-modules-spice qemu-block-extra)
# The module packages are here although the tests need none of them: QEMU looks for a module in
# QEMU_MODULE_DIR and then in its built-in module dir, /usr/lib/<triplet>/qemu, where the
# system's QEMU 7.2 keeps its own; a module our dir lacks would be taken from there and refused
# ("failed to initialize module"). With every module of the version in our dir, none is.
# Firmware the qemu-system packages depend on (seabios, ipxe-qemu, opensbi) or recommend
# (qemu-efi-aarch64): from bookworm-backports when it has them (the versioned Depends need
# seabios >> 1.16.3, opensbi >> 1.5.1, newer than bookworm's), else from sid (all arch: all).
FIRMWARE=(seabios ipxe-qemu opensbi qemu-efi-aarch64)
PY_DEBS=(python3-pycotap)

say() { echo "qemu-material: $*"; }
die() { echo "qemu-material: ERROR: $*" >&2; exit 1; }
mkdir -p "$APTDIR" "$DL" "$BUILD"
exec 9>"$CACHE/.lock"
flock 9    # one run at a time per cache (worktrees share it)

# --- 1. The isolated apt configuration ---------------------------------------------------------
mirror=${QEMU_MATERIAL_MIRROR:-}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ -z "$mirror" ]; then
    # deb822 files first: the URIs of a stanza whose suites are Debian's own (not -security).
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        mirror=$(awk 'function take() {if (!done && u!="" && s ~ /bookworm( |$)/ && u !~ /security/) {print u; done=1} u=""; s=""}
                      /^URIs:/{u=$2} /^Suites:/{s=$0} /^$/{take()} END{take()}' "$f")
        [ -n "$mirror" ] && break
    done
    if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
        mirror=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
    fi
    [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list (set QEMU_MATERIAL_MIRROR)"
fi
mkdir -p "$APTDIR/etc/apt.conf.d" "$APTDIR/etc/preferences.d" "$APTDIR/etc/sources.list.d" \
         "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
write_if_changed() {  # file; content on stdin
    local tmp; tmp=$(mktemp "$1.XXXX"); cat > "$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}
write_if_changed "$APTDIR/etc/sources.list.d/qcoord-dev.sources" <<EOF
Types: deb deb-src
URIs: $mirror
Suites: bookworm-backports sid
Components: main
Signed-By: $keyring

Types: deb-src
URIs: $mirror
Suites: bookworm
Components: main
Signed-By: $keyring
EOF
# Read instead of /etc/apt/apt.conf; it points every other configuration file and state
# directory away from /etc/apt and /var (dpkg's status is only read).
write_if_changed "$APTDIR/etc/apt.conf" <<EOF
Dir::Etc::Main "/dev/null";
Dir::Etc::Parts "$APTDIR/etc/apt.conf.d";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$APTDIR/etc/sources.list.d";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$APTDIR/etc/preferences.d";
Dir::State::Lists "$APTDIR/lists";
Dir::State::Status "/var/lib/dpkg/status";
Dir::State::extended_states "$APTDIR/extended_states";
Dir::Cache "$APTDIR/cache";
Dir::Log "$APTDIR/log";
APT::Sandbox::User "root";
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF
export APT_CONFIG=$APTDIR/etc/apt.conf
apt_get() { apt-get -q "$@"; }

lists_ok() {
    ls "$APTDIR"/lists/*_dists_sid_main_source_Sources* >/dev/null 2>&1 &&
    ls "$APTDIR"/lists/*_dists_bookworm-backports_main_source_Sources* >/dev/null 2>&1 &&
    ls "$APTDIR"/lists/*_dists_bookworm_main_source_Sources* >/dev/null 2>&1 &&
    [ -z "$(find "$APTDIR/lists" -maxdepth 1 -name '*_InRelease' -mtime +7)" ]
}
apt_update() {
    say "apt-get update (isolated: $mirror bookworm-backports sid, bookworm sources, lists in $APTDIR/lists)"
    apt_get -qq update >"$APTDIR/update.log" 2>&1 || { cat "$APTDIR/update.log" >&2; die "apt-get update failed"; }
}
UPDATED=0
if [ $UPDATE = 1 ] || ! lists_ok; then apt_update; UPDATED=1; fi

# --- Versions and checksums from the indexes ----------------------------------------------------
backports_version() {  # package → its version in bookworm-backports, or nothing
    apt-cache madison "$1" | awk -F' [|] ' '$3 ~ /bookworm-backports/ && $3 ~ /Packages|Sources/ {gsub(/ /,"",$2); print $2; exit}'
}
candidate_version() { apt-cache policy "$1" | awk '/Candidate:/ {print $2}'; }
V100=$(apt-cache madison qemu | awk -F' [|] ' '$3 ~ /bookworm-backports.*Sources/ {gsub(/ /,"",$2); print $2; exit}')
if [ -z "$V100" ] && [ $UPDATED = 0 ]; then apt_update; UPDATED=1
    V100=$(apt-cache madison qemu | awk -F' [|] ' '$3 ~ /bookworm-backports.*Sources/ {gsub(/ /,"",$2); print $2; exit}'); fi
UP100=$(sed 's/^[0-9]*://; s/+.*//' <<<"$V100")
case $V100 in 1:10.0.*) ;; *) die "bookworm-backports has no QEMU 10.0.x source (found '${V100:-nothing}')" ;; esac

# "sha256 size name" of the orig tarball of source package qemu=version.
orig_of() {
    apt-cache showsrc qemu | awk -v want="$1" '
        /^Version:/ {v=$2} /^Checksums-Sha256:/ {c=1; next} /^[^ ]/ {c=0}
        c && v==want && $3 ~ /\.orig\.tar\./ {print $1, $2, $3}' | head -1
}
# "sha256 size name pkg=version" for each binary package spec pkg=version.
deb_records() {
    apt-cache show "$@" | awk '
        /^Package:/ {p=$2} /^Version:/ {v=$2} /^Filename:/ {n=$2; sub(/.*\//,"",n)}
        /^Size:/ {s=$2} /^SHA256:/ {h=$2}
        /^$/ {if (p!="") print h, s, n, p "=" v; p=""}
        END {if (p!="") print h, s, n, p "=" v}'
}

ORIG100=$(orig_of "$V100"); ORIG102=$(orig_of "$V102")
if [ -z "$ORIG102" ] && [ $UPDATED = 0 ]; then apt_update; UPDATED=1; ORIG102=$(orig_of "$V102"); fi
[ -n "$ORIG100" ] || die "no orig tarball listed for qemu $V100"
[ -n "$ORIG102" ] || die "no orig tarball listed for qemu $V102 in sid"
# QEMU 7.2 of bookworm (its tests/avocado, the last Avocado-format tests Debian ships).
V72=$(apt-cache madison qemu | awk -F' [|] ' '$3 ~ /bookworm\/main Sources/ {gsub(/ /,"",$2); print $2; exit}')
case $V72 in 1:7.2*) ;; *) die "bookworm has no QEMU 7.2 source (found '${V72:-nothing}')" ;; esac
ORIG72=$(orig_of "$V72")
[ -n "$ORIG72" ] || die "no orig tarball listed for qemu $V72 in bookworm"

specs100=()
for p in "${QEMU_DEBS[@]}"; do specs100+=("$p=$V100"); done
for p in "${FIRMWARE[@]}"; do
    v=$(backports_version "$p"); [ -n "$v" ] || v=$(candidate_version "$p")
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "firmware package $p is not in bookworm-backports or sid"
    specs100+=("$p=$v")
done
pyspecs=()
for p in "${PY_DEBS[@]}"; do
    v=$(backports_version "$p"); [ -n "$v" ] || v=$(candidate_version "$p"); pyspecs+=("$p=$v")
done
DEBS100=$(deb_records "${specs100[@]}") || die "apt-cache show ${specs100[*]} failed"
PYDEBS=$(deb_records "${pyspecs[@]}")
[ "$(wc -l <<<"$DEBS100")" -eq ${#specs100[@]} ] || die "not every package of ${specs100[*]} is in the index"

# Depends of the qemu packages that are neither libraries nor in our list: say so (a new
# firmware or helper package the version needs).
unhandled=$(apt-cache show "${specs100[@]}" | awk -F': ' '/^Depends:/ {print $2}' | tr ',|' '\n\n' \
    | sed 's/([^)]*)//; s/:any//; s/ //g' | grep -v '^lib' | grep -v '^$' | sort -u \
    | grep -vxF -f <(printf '%s\n' "${QEMU_DEBS[@]}" "${FIRMWARE[@]}" zlib1g qemu-system-any) || true)
[ -z "$unhandled" ] || say "note: the qemu packages also depend on: $(echo $unhandled) (not fetched)"

# --- 4. The download cache ----------------------------------------------------------------------
DL_N=0; DL_B=0; RE_N=0; RE_B=0
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
# ensure_source "sha size name" version: the orig tarball in $DL, downloaded through apt-get
# source (which verifies it against the Sources index) when not already cached.
ensure_source() {
    local sha size name; read -r sha size name <<<"$1"
    if sha_ok "$DL/$name" "$sha"; then RE_N=$((RE_N+1)); RE_B=$((RE_B+size)); return; fi
    local tmp; tmp=$(mktemp -d "$CACHE/tmp.XXXX")
    # The .dsc/.debian.tar of the backports version are not served: apt exits non-zero. What
    # counts is the orig tarball, checked here.
    (cd "$tmp" && apt_get source --download-only "qemu=$2" >"$tmp/log" 2>&1) || true
    if ! sha_ok "$tmp/$name" "$sha"; then cat "$tmp/log" >&2; rm -rf "$tmp"; die "$name: not downloaded or sha256 mismatch"; fi
    mv "$tmp/$name" "$DL/$name"; rm -rf "$tmp"
    DL_N=$((DL_N+1)); DL_B=$((DL_B+size))
}
# ensure_debs < "sha size name spec" lines: every .deb in $DL, the missing ones downloaded in one
# apt-get download (which verifies them against the Packages index), then checked again here.
ensure_debs() {
    local sha size name spec missing=() tmp f
    while read -r sha size name spec; do
        if sha_ok "$DL/$name" "$sha"; then RE_N=$((RE_N+1)); RE_B=$((RE_B+size)); else missing+=("$spec"); fi
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    tmp=$(mktemp -d "$CACHE/tmp.XXXX")
    (cd "$tmp" && apt_get download "${missing[@]}" >"$tmp/log" 2>&1) || { cat "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get download failed"; }
    while read -r sha size name spec; do
        [[ " ${missing[*]} " == *" $spec "* ]] || continue
        f=$(ls "$tmp/${spec%%=*}"_*.deb 2>/dev/null | head -1)
        sha_ok "$f" "$sha" || { rm -rf "$tmp"; die "$spec: sha256 mismatch"; }
        mv "$f" "$DL/$name"; DL_N=$((DL_N+1)); DL_B=$((DL_B+size))
    done <<<"$ALL_RECORDS"
    rm -rf "$tmp"
}

stamp_of() { printf 'layout %s\n%s\n' "$LAYOUT" "$*" | sha256sum | cut -d' ' -f1; }
tree_current() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }

# unpack_src tree "sha size name": the parts of the tarball the functional tests use.
unpack_src() {
    local tree=$1 sha size name top parts=("${SRC_PARTS[@]}"); read -r sha size name <<<"$2"
    [ -z "${3:-}" ] || read -r -a parts <<<"$3"
    top=$(tar -tJf "$DL/$name" 2>/dev/null | head -1 || true); top=${top%%/*}
    rm -rf "$tree/src"; mkdir -p "$tree/src"
    tar -xJf "$DL/$name" -C "$tree/src" --strip-components=1 "${parts[@]/#/$top/}"
}
# unpack_pylib tree: pycotap where env.sh's PYTHONPATH finds it.
unpack_pylib() {
    local tree=$1 tmp; tmp=$(mktemp -d "$CACHE/tmp.XXXX")
    while read -r sha size name spec; do dpkg -x "$DL/$name" "$tmp"; done <<<"$PYDEBS"
    rm -rf "$tree/pylib"; mkdir -p "$tree/pylib"
    cp -a "$tmp"/usr/lib/python3/dist-packages/* "$tree/pylib/"
    rm -rf "$tmp"
}
write_env() {  # tree [bin dir]
    local tree=$1 bin=${2:-}
    {
        echo "# Generated by scripts/qemu-material.sh. Source it to run a functional test the way meson does:"
        echo "#   QEMU_TEST_QEMU_BINARY=$tree/bin/qemu-system-x86_64 python3 \$QEMU_SRC/tests/functional/test_version.py"
        echo "export QEMU_SRC=$tree/src"
        echo "export PYTHONPATH=$tree/src/python:$tree/src/tests/functional:$tree/pylib\${PYTHONPATH:+:\$PYTHONPATH}"
        echo "export QEMU_BUILD_ROOT=$tree/run"
        if [ -n "$bin" ]; then
            echo "export QEMU_TEST_QEMU_IMG=$bin/qemu-img"
            echo "export PATH=$bin:\$PATH"
        fi
    } > "$tree/env.sh"
}

# --- 2. QEMU 10.0.x: source, binaries, wrappers -------------------------------------------------
T100=$BUILD/qemu-10.0
T102=$BUILD/qemu-10.2
ALL_RECORDS=$(printf '%s\n%s\n' "$DEBS100" "$PYDEBS")
EXTRA_LIBS=${QEMU_MATERIAL_EXTRA_LIBS:-}
S100=$(stamp_of "$ORIG100" "$ALL_RECORDS" "$EXTRA_LIBS")
S102=$(stamp_of "$ORIG102" "$PYDEBS")
REBUILT=()

make_wrappers() {
    local tree=$1 root=$1/root moddir fw=() b name lib=""
    moddir=$(ls -d "$root"/usr/lib/*-linux-gnu/qemu 2>/dev/null | head -1)
    for d in usr/share/qemu usr/share/seabios usr/lib/ipxe/qemu; do [ -d "$root/$d" ] && fw+=("$d"); done
    [ -f "$tree/.fallback-libs" ] && lib=$(libdir "$root")
    rm -rf "$tree/bin"; mkdir -p "$tree/bin"
    for b in "$root"/usr/bin/qemu-*; do
        [ -f "$b" ] && [ ! -L "$b" ] && [ -x "$b" ] || continue
        name=${b##*/}
        {
            echo '#!/bin/sh'
            echo "# Generated by scripts/qemu-material.sh: $name of QEMU $V100 unpacked in ../root."
            echo 'R=$(dirname "$(readlink -f "$0")")/../root'
            [ -n "$moddir" ] && echo "export QEMU_MODULE_DIR=\"\$R/${moddir#$root/}\""
            [ -n "$lib" ] && echo "export LD_LIBRARY_PATH=\"\$R/${lib#$root/}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
            case $name in
                qemu-system-*) printf 'exec "$R/usr/bin/%s"' "$name"
                               for d in "${fw[@]}"; do printf ' -L "$R/%s"' "$d"; done
                               echo ' "$@"' ;;
                *) echo "exec \"\$R/usr/bin/$name\" \"\$@\"" ;;
            esac
        } > "$tree/bin/$name"
        chmod +x "$tree/bin/$name"
    done
}

# ldd of every unpacked binary and module; a missing library is fetched from bookworm-backports
# (its package among the qemu packages' Depends that dpkg does not have) and unpacked into root/.
# The multiarch library dir of root/ (the one with QEMU's modules; usr/lib/riscv64-linux-gnu
# holds opensbi's firmware, not libraries).
libdir() { dirname "$(ls -d "$1"/usr/lib/*-linux-gnu/qemu | head -1)"; }
missing_libs() {
    local f
    for f in "$1"/usr/bin/qemu-* "$1"/usr/lib/*-linux-gnu/qemu/*.so; do
        [ -f "$f" ] && [ ! -L "$f" ] || continue
        LD_LIBRARY_PATH=$(libdir "$1") ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'
    done | sort -u
}
fetch_fallback_libs() {
    local tree=$1 missing pkgs=() p v recs
    missing=$(missing_libs "$tree/root")
    if [ -n "$missing" ] || [ -n "$EXTRA_LIBS" ]; then
        [ -n "$missing" ] && say "libraries the 10.0 binaries miss on this system: $(echo $missing)"
        for p in $(apt-cache show "${specs100[@]}" | awk -F': ' '/^Depends:/ {print $2}' | tr ',' '\n' \
                   | sed 's/([^)]*)//; s/|.*//; s/ //g' | grep '^lib' | sort -u) $EXTRA_LIBS; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && [[ " $EXTRA_LIBS " != *" $p "* ]] && continue
            v=$(backports_version "$p")
            [ -n "$v" ] && pkgs+=("$p=$v") || say "  $p: not installed and not in bookworm-backports"
        done
        if [ ${#pkgs[@]} -gt 0 ]; then
            say "unpacking from bookworm-backports into root/: ${pkgs[*]}"
            recs=$(deb_records "${pkgs[@]}")
            ALL_RECORDS=$recs ensure_debs <<<"$recs"
            while read -r sha size name spec; do dpkg -x "$DL/$name" "$tree/root"; done <<<"$recs"
            printf '%s\n' "${pkgs[@]}" > "$tree/.fallback-libs"
        fi
        missing=$(missing_libs "$tree/root")
        [ -z "$missing" ] || die "still missing after the fallback: $(echo $missing)"
    fi
}

if ! tree_current "$T100" "$S100"; then
    ensure_source "$ORIG100" "$V100"
    ensure_debs <<<"$ALL_RECORDS"
    rm -rf "$T100"; mkdir -p "$T100"
    unpack_src "$T100" "$ORIG100"
    mkdir -p "$T100/root"
    while read -r sha size name spec; do dpkg -x "$DL/$name" "$T100/root"; done <<<"$DEBS100"
    # An absolute symlink would reach into the system's /usr: point it into root/ instead.
    while IFS= read -r l; do
        t=$(readlink "$l"); ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$T100/root$t")" "$l"
    done < <(find "$T100/root" -type l -lname '/*')
    # qemu-efi-aarch64's images are zero-padded to 64 MB each (385 MB unpacked): make them sparse.
    find "$T100/root/usr/share" -type f -size +16M -exec fallocate --dig-holes {} \; 2>/dev/null || true
    dangling=$(find "$T100/root" -xtype l | sed "s|^$T100/root||")
    [ -z "$dangling" ] || say "note: dangling symlinks in root/: $(echo $dangling)"
    fetch_fallback_libs "$T100"
    unpack_pylib "$T100"
    make_wrappers "$T100"
    write_env "$T100" "$T100/bin"
    echo "$S100" > "$T100/.stamp"
    REBUILT+=(qemu-10.0)
fi

# --- 3. QEMU 10.2.2: source -----------------------------------------------------------------------
if ! tree_current "$T102" "$S102"; then
    ensure_source "$ORIG102" "$V102"
    ensure_debs <<<"$PYDEBS"
    rm -rf "$T102"; mkdir -p "$T102"
    unpack_src "$T102" "$ORIG102"
    unpack_pylib "$T102"
    write_env "$T102" "$T100/bin"
    echo "$S102" > "$T102/.stamp"
    REBUILT+=(qemu-10.2)
fi

# --- QEMU 7.2: tests/avocado and python/ only ------------------------------------------------------
T72=$BUILD/qemu-7.2
S72=$(stamp_of "$ORIG72" "${SRC_PARTS72[*]}")
if ! tree_current "$T72" "$S72"; then
    ensure_source "$ORIG72" "$V72"
    rm -rf "$T72"; mkdir -p "$T72"
    unpack_src "$T72" "$ORIG72" "${SRC_PARTS72[*]}"
    echo "$S72" > "$T72/.stamp"
    REBUILT+=(qemu-7.2)
fi

# --- Checks of the wrappers (on a rebuild or --check; the result is kept in checks.txt) ----------
check_wrapper() {  # wrapper → "ok" or a reason
    local w=$1 out
    out=$("$w" --version 2>&1 | head -1) || { echo "--version failed"; return; }
    [[ $out == *"version $UP100 "* ]] || { echo "--version: $out"; return; }
    out=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-version"}' '{"execute":"quit"}' \
          | timeout 30 "$w" -machine none -nodefaults -display none -qmp stdio 2>&1) || { echo "QMP run failed: $(tail -1 <<<"$out")"; return; }
    grep -q '"qemu": {' <<<"$out" || { echo "no query-version answer: $(head -c 200 <<<"$out")"; return; }
    echo ok
}
if [ ${#REBUILT[@]} -gt 0 ] || [ $CHECK = 1 ] || [ ! -f "$T100/checks.txt" ]; then
    {
        for w in "$T100"/bin/qemu-system-*; do echo "${w##*/} $(check_wrapper "$w")"; done
        # Modules: loading every QOM module must print no error (a module of another QEMU
        # build, e.g. the system's, would be refused) and bring virtio-gpu-pci.
        out=$("$T100/bin/qemu-system-x86_64" -nodefaults -display none -device help 2>&1 >/dev/null || echo "exit $?")
        if [ -z "$out" ] && "$T100/bin/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"virtio-gpu-pci"'; then
            echo "modules ok"; else echo "modules FAIL: $(head -c 300 <<<"$out" | tr '\n' ' ')"; fi
        # The harness itself: test_version.py of each tree the way meson runs it.
        for t in "$T100:test_version.py" "$T102:generic/test_version.py"; do
            tree=${t%%:*}; f=${t#*:}
            out=$(cd "$tree" && . ./env.sh && QEMU_TEST_QEMU_BINARY=$T100/bin/qemu-system-x86_64 \
                  timeout 120 python3 "src/tests/functional/$f" 2>/dev/null) || true
            echo "harness-${tree##*/} $(grep -cE '^ok ' <<<"$out") ok, $(grep -cE '^not ok ' <<<"$out") not ok ($f with qemu-system-x86_64 ${V100#1:})"
        done
    } > "$T100/checks.txt"
fi

# --- 5. Summary --------------------------------------------------------------------------------------
mb() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b/1e6}'; }
n100=$(ls "$T100"/src/tests/functional/test_*.py | wc -l)
n102=$(find "$T102/src/tests/functional" -mindepth 2 -maxdepth 2 -name 'test_*.py' -not -path '*/qemu_test/*' | wc -l)
d102=$(find "$T102/src/tests/functional" -mindepth 2 -maxdepth 2 -name 'test_*.py' -not -path '*/qemu_test/*' -printf '%h\n' | sort -u | wc -l)
works=$(awk '$1 ~ /^qemu-system-/ && $2=="ok" {sub(/qemu-system-/,"",$1); printf "%s ", $1}' "$T100/checks.txt")
broken=$(awk '$1 ~ /^qemu-system-/ && $2!="ok"' "$T100/checks.txt")
say "QEMU ${V100} (bookworm-backports): build/qemu-10.0/{src,root,bin}, $n100 test files (tests/functional/test_*.py)"
say "QEMU ${V102} (sid): build/qemu-10.2/src, $n102 test files in $d102 dirs (tests/functional/<target>/test_*.py)"
n72=$(find "$T72/src/tests/avocado" -name '*.py' -not -path '*/avocado_qemu/*' | wc -l)
say "QEMU ${V72} (bookworm): build/qemu-7.2/src (tests/avocado, python), $n72 test files"
say "wrappers that work (build/qemu-10.0/bin/qemu-system-*): ${works% }"
[ -z "$broken" ] || say "wrappers that do not: $broken"
grep -E '^(modules|harness-)' "$T100/checks.txt" | sed 's/^/qemu-material: /'
if [ ${#REBUILT[@]} -gt 0 ]; then
    say "downloaded $DL_N files ($(mb $DL_B)), reused $RE_N from $DL ($(mb $RE_B)), total $(mb $((DL_B+RE_B))); prepared ${REBUILT[*]}"
else
    say "trees up to date: nothing downloaded or unpacked (cache: $DL, $(du -sh "$DL" | cut -f1))"
fi
[ -z "$broken" ]
