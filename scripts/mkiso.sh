#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a GRUB rescue ISO (BIOS boot, usable on USB sticks and CD-ROM) that
# loads Xenolith with multiboot2.
#   mkiso.sh BUILD OUT.iso [hypervisor command line] [menu timeout]
# MODULES="file [args];file [args]" adds boot modules (module2 lines), Xen's
# way: the first is domain 0's kernel, the second its initrd.
set -eu
BUILD=$1
OUT=$2
CMDLINE=${3:-console=com1 com1=115200,8n1 loglvl=info}
TIMEOUT=${4:-3}
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/xenolith-iso.XXXXXX")
LOG=$STAGE.log
trap 'rm -rf "$STAGE" "$LOG"' EXIT
mkdir -p "$STAGE/boot/grub"
cp "$BUILD/xenolith.gz" "$STAGE/boot/xenolith.gz"
MODLINES=""
if [ -n "${MODULES:-}" ]; then
    IFS=';' read -ra mods <<<"$MODULES"
    for m in "${mods[@]}"; do
        file=${m%% *}; args=""
        [ "$file" != "$m" ] && args=${m#* }
        cp "$file" "$STAGE/boot/$(basename "$file")"
        MODLINES="$MODLINES    module2 /boot/$(basename "$file") $args
"
    done
fi
cat >"$STAGE/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
set timeout=$TIMEOUT
set default=0

menuentry "Xenolith" {
    multiboot2 /boot/xenolith.gz $CMDLINE
$MODLINES}

menuentry "Xenolith (verbose, halt on error)" {
    multiboot2 /boot/xenolith.gz $CMDLINE loglvl=all noreboot
$MODLINES}
CFG
grub-mkrescue -o "$OUT" "$STAGE" >"$LOG" 2>&1 || { cat "$LOG"; exit 1; }
echo "  ISO     $OUT"
