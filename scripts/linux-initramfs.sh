#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build a busybox initramfs for booting Linux under Xenolith (or bare QEMU).
#
#   scripts/linux-initramfs.sh [--test] OUT.cpio.gz
#
# /init mounts /proc, /sys and /dev, prints "XENOLITH-INIT-UP" with the
# kernel's uptime, and then
#   - runs a shell on the console (hvc0 under Xen with console=hvc0, ttyS0 on
#     bare QEMU); leaving the shell powers the machine off;
#   - in test mode (xenolith.test=1 on the kernel command line, or an image
#     built with --test) prints XENOLITH-TEST-BEGIN, runs `uname -a` and
#     `cat /proc/interrupts`, prints XENOLITH-TEST-END and powers off with
#     `poweroff -f`.
# The markers are what tests/linux/run-linux.sh and bench-boot.sh watch for.
#
# busybox comes from Debian's busybox-static package: the installed one, or
# else the package fetched with `apt-get download` into the cache that
# scripts/linux-fetch.sh uses (XENOLITH_CACHE).  The archive is cpio newc
# made by the cpio tool, gzip-compressed, with fixed timestamps.
set -euo pipefail

TEST=0
if [ "${1:-}" = --test ]; then TEST=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--test] OUT.cpio.gz" >&2; exit 2; }
OUT=$1
CACHE=${XENOLITH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenolith}

msg() { echo "linux-initramfs: $*" >&2; }
die() { msg "$*"; exit 1; }

for tool in cpio gzip; do
    command -v $tool >/dev/null 2>&1 || die "$tool is missing (apt-get install $tool)"
done

is_static() { [ -x "$1" ] && ! readelf -l "$1" 2>/dev/null | grep -q INTERP; }

# A statically linked busybox: the kernel's initramfs has no libc.
find_busybox() {
    local bb d deb
    for bb in /bin/busybox /usr/bin/busybox; do
        if is_static "$bb"; then echo "$bb"; return; fi
    done
    d=$CACHE/busybox-static
    bb=$(ls "$d"/*/bin/busybox 2>/dev/null | tail -n1 || true)
    if [ -n "$bb" ] && is_static "$bb"; then echo "$bb"; return; fi
    msg "no static busybox installed: fetching busybox-static with apt-get download"
    mkdir -p "$d/.dl"
    chmod 0777 "$d/.dl"   # apt downloads as the _apt user
    (cd "$d/.dl" && apt-get download -q busybox-static >/dev/null 2>&1) ||
        die "no static busybox: install busybox-static, or let apt-get download reach Debian's archive"
    deb=$(ls "$d"/.dl/busybox-static_*.deb | head -n1)
    rm -rf "$d/pkg" && mkdir -p "$d/pkg"
    dpkg-deb -x "$deb" "$d/pkg" && rm -rf "$d/.dl"
    is_static "$d/pkg/bin/busybox" || die "$deb holds no static /bin/busybox"
    echo "$d/pkg/bin/busybox"
}

BUSYBOX=$(find_busybox)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
cp "$BUSYBOX" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
# The kernel opens /dev/console for init before anything is mounted; without
# the node (mknod needs root) init reopens it once devtmpfs is up.
if [ "$(id -u)" -eq 0 ]; then
    mknod -m 600 "$stage/dev/console" c 5 1
    mknod -m 666 "$stage/dev/null" c 1 3
fi
[ "$TEST" -eq 1 ] && : >"$stage/etc/xenolith-test"

cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
# Xenolith's test initramfs (scripts/linux-initramfs.sh).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
[ -e /dev/console ] && exec </dev/console >/dev/console 2>&1
read -r up _ </proc/uptime
echo "XENOLITH-INIT-UP uptime=${up}s"

if grep -qw xenolith.test=1 /proc/cmdline || [ -e /etc/xenolith-test ]; then
    echo "XENOLITH-TEST-BEGIN"
    echo "\$ uname -a"
    uname -a
    echo "\$ cat /proc/interrupts"
    cat /proc/interrupts
    read -r up _ </proc/uptime
    echo "XENOLITH-TEST-END uptime=${up}s"
    poweroff -f
fi

cat <<'BANNER'
Busybox shell on the console. `exit` (or Ctrl-D) powers the machine off.
BANNER
# cttyhack gives the shell the real console tty (hvc0, ttyS0) so job control
# and Ctrl-C work.
setsid cttyhack sh -l
poweroff -f
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$OUT")"
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
msg "wrote $OUT ($(stat -c %s "$OUT") bytes, busybox $BUSYBOX$( [ "$TEST" -eq 1 ] && echo ', test mode'))"
