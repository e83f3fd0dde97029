#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a GRUB rescue ISO (BIOS boot, usable on USB sticks and CD-ROM) that
# loads Xenolith with multiboot2.
#   mkiso.sh BUILD OUT.iso [hypervisor command line] [menu timeout]
set -eu
BUILD=$1
OUT=$2
CMDLINE=${3:-console=com1 com1=115200,8n1 loglvl=info}
TIMEOUT=${4:-3}
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/xenolith-iso.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/boot/grub"
cp "$BUILD/xenolith.gz" "$STAGE/boot/xenolith.gz"
cat >"$STAGE/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
set timeout=$TIMEOUT
set default=0

menuentry "Xenolith" {
    multiboot2 /boot/xenolith.gz $CMDLINE
}

menuentry "Xenolith (verbose, halt on error)" {
    multiboot2 /boot/xenolith.gz $CMDLINE loglvl=all noreboot
}
CFG
grub-mkrescue -o "$OUT" "$STAGE" >"$STAGE/mkrescue.log" 2>&1 || { cat "$STAGE/mkrescue.log"; exit 1; }
echo "  ISO     $OUT"
