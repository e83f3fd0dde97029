#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch Debian's stock Linux kernel (the bzImage only, never installed) into a
# cache that outlives the build tree, and print the path of its vmlinuz.
#
#   scripts/linux-fetch.sh [META_PACKAGE]
#
# META_PACKAGE defaults to linux-image-amd64 (XZ payload); linux-image-cloud-amd64
# gives an LZ4 one.  The meta package's linux-image-<version> dependency is
# downloaded with `apt-get download` and /boot/vmlinuz-* is taken out of it with
# dpkg-deb.  A kernel already in the cache is used as it is, so a second run
# needs no network; with neither cache nor network it says so and exits 1.
#
# Environment:
#   XENOLITH_CACHE   cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/xenolith)
#   LINUX_OFFLINE=1  never ask apt: use the cache or fail
#   LINUX_REFRESH=1  ask apt for the current version even when a kernel is cached
set -euo pipefail

META=${1:-linux-image-amd64}
CACHE=${XENOLITH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenolith}
DIR=$CACHE/linux
CURRENT=$DIR/$META.current   # holds the path of the kernel last fetched for META

msg() { echo "linux-fetch: $*" >&2; }
die() { msg "$*"; exit 1; }

case $META in
    *[!a-z0-9.+-]*|"") die "bad package name '$META'";;
esac
mkdir -p "$DIR" || die "cannot create the cache directory $DIR (set XENOLITH_CACHE)"

cached() {  # prints the cached kernel for META if it is still there
    local k
    [ -f "$CURRENT" ] || return 1
    k=$(cat "$CURRENT")
    [ -s "$k" ] || return 1
    echo "$k"
}

# The versioned image package META depends on (e.g. linux-image-6.1.0-56-amd64).
resolve() {
    { apt-cache depends "$META" 2>/dev/null || true; } |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1
}

# Package lists are missing on a fresh machine: fetch them once (root only).
update_lists() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo="sudo -n"; }
    [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ] || return 1
    msg "apt does not know $META: running apt-get update"
    $sudo apt-get update -qq >&2 2>/dev/null
}

if [ "${LINUX_REFRESH:-0}" != 1 ] && k=$(cached); then
    echo "$k"; exit 0
fi
if [ "${LINUX_OFFLINE:-0}" = 1 ]; then
    die "no kernel for $META in $DIR and LINUX_OFFLINE=1"
fi

pkg=$(resolve)
if [ -z "$pkg" ] && update_lists; then
    pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
    k=$(cached) && { msg "apt cannot resolve $META; using the cached $k"; echo "$k"; exit 0; }
    die "cannot find $META: apt knows no such package (no package lists? run 'apt-get update') and $DIR holds no kernel for it"
fi

# One extraction directory per exact package version.
ver=$({ apt-cache policy "$pkg" 2>/dev/null || true; } | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || ver=unknown
dest=$DIR/$pkg-$ver
if k=$(ls "$dest"/boot/vmlinuz-* 2>/dev/null | head -n1) && [ -s "$k" ]; then
    echo "$k" >"$CURRENT"
    echo "$k"; exit 0
fi

tmp=$(mktemp -d "$DIR/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
msg "downloading $pkg $ver with apt-get download (about 65 MB)"
# apt drops to the _apt user for downloads; that user must be able to write here.
chmod 0777 "$tmp"
if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1); then
    sed 's/^/  apt| /' "$tmp/apt.log" >&2
    k=$(cached) && { msg "download failed; using the cached $k"; echo "$k"; exit 0; }
    die "cannot download $pkg (no network to the Debian archive?) and $DIR holds no kernel for $META"
fi
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || die "apt-get download left no .deb in $tmp"

mkdir -p "$tmp/x"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' './boot/config-*' ||
    die "$deb holds no /boot/vmlinuz-*"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tmp/x/boot" "$dest/boot"
k=$(ls "$dest"/boot/vmlinuz-* | head -n1)
echo "$k" >"$CURRENT"
msg "cached $k"
echo "$k"
