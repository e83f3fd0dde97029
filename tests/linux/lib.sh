# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034,SC2054
# (QEMU_ARGS is the callers'; QEMU separates -initrd modules with commas.)
# Shared by tests/linux/run-linux.sh and bench-boot.sh (sourced, not run).
#
# linux_prepare BUILD   sets KERNEL_BZ (Debian's vmlinuz), KERNEL_ELF (its
#                       ELF, extracted by tools/bzimage2elf.py), INITRAMFS,
#                       all cached under BUILD/linux; returns 1 with a
#                       message on stderr when the kernel cannot be had.
# qemu_bare_args / qemu_xen_args / qemu_domu_args  fill the QEMU_ARGS array
#                       for one boot.

LINUX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
# The machine Linux runs on.  Under Xenolith the hypervisor, its frame table
# and the 63 MiB kernel module sit next to dom0's memory.
LINUX_QEMU_MEM=${LINUX_QEMU_MEM:-1024}
LINUX_DOM_MEM=${LINUX_DOM_MEM:-512M}
# Bare runs get the same RAM as the domain, so both boots size the same kernel.
LINUX_BARE_MEM=${LINUX_BARE_MEM:-512}
LINUX_PACKAGE=${LINUX_PACKAGE:-linux-image-amd64}
XEN_LINUX_CMDLINE=${XEN_LINUX_CMDLINE:-console=hvc0 earlyprintk=xen}
# no_timer_check: on a loaded host TCG can miss the IO-APIC timer check and
# Linux panics ("IO-APIC + timer doesn't work!"); PVH has no IO-APIC.
BARE_LINUX_CMDLINE=${BARE_LINUX_CMDLINE:-console=ttyS0 no_timer_check}
XENOLITH_CMDLINE=${XENOLITH_CMDLINE:-console=com1 com1=115200,8n1 debug_exit}

linux_prepare() {
    local build=$1 out stamp
    out=$build/linux
    mkdir -p "$out"
    KERNEL_BZ=${LINUX_KERNEL:-}
    if [ -z "$KERNEL_BZ" ]; then
        KERNEL_BZ=$("$LINUX_ROOT/scripts/linux-fetch.sh" "$LINUX_PACKAGE") || return 1
    fi
    [ -f "$KERNEL_BZ" ] || { echo "no kernel at $KERNEL_BZ" >&2; return 1; }
    KERNEL_ELF=$out/$(basename "$KERNEL_BZ").elf
    if [ ! -s "$KERNEL_ELF" ] || [ "$KERNEL_BZ" -nt "$KERNEL_ELF" ] ||
       [ "$LINUX_ROOT/tools/bzimage2elf.py" -nt "$KERNEL_ELF" ]; then
        "$LINUX_ROOT/tools/bzimage2elf.py" "$KERNEL_BZ" "$KERNEL_ELF" >"$KERNEL_ELF.txt" ||
            return 1
    fi
    INITRAMFS=$out/initramfs.cpio.gz
    stamp=$LINUX_ROOT/scripts/linux-initramfs.sh
    if [ ! -s "$INITRAMFS" ] || [ "$stamp" -nt "$INITRAMFS" ]; then
        "$LINUX_ROOT/scripts/linux-initramfs.sh" "$INITRAMFS" 2>/dev/null || return 1
    fi
}

# qemu_bare_args <extra kernel args>: Linux alone, QEMU's own bzImage loader.
qemu_bare_args() {
    QEMU_ARGS=(-accel tcg -cpu max -m "$LINUX_BARE_MEM" -display none -no-reboot -monitor none
               -kernel "$KERNEL_BZ" -initrd "$INITRAMFS"
               -append "$BARE_LINUX_CMDLINE $*")
}

# qemu_xen_args <xenolith.elf> <extra kernel args>: Linux as Xenolith's
# initial domain, the ELF as the first boot module (with its command line)
# and the initramfs as the second.
qemu_xen_args() {
    local xen=$1; shift
    QEMU_ARGS=(-accel tcg -cpu max -m "$LINUX_QEMU_MEM" -display none -no-reboot -monitor none
               -device isa-debug-exit,iobase=0xf4,iosize=0x04
               -kernel "$xen" -append "$XENOLITH_CMDLINE dom0_mem=$LINUX_DOM_MEM ${XENOLITH_EXTRA:-}"
               -initrd "$KERNEL_ELF $XEN_LINUX_CMDLINE $*,$INITRAMFS")
}

# linux_domu_cfg <file> <kernel args>: the xl.cfg description of Linux as an
# unprivileged PVH domain (docs/DOMAIN-CONFIG.md): the kernel and ramdisk are
# the boot modules that follow it, named by their file names.
linux_domu_cfg() {
    local cfg=$1; shift
    cat >"$cfg" <<CFG
# Debian's kernel as an unprivileged PVH domain (written by tests/linux/lib.sh)
name = "linux"
type = "pvh"
kernel = "$(basename "$KERNEL_ELF")"
ramdisk = "$(basename "$INITRAMFS")"
memory = ${LINUX_DOM_MEM%M}
vcpus = 1
extra = "$XEN_LINUX_CMDLINE $*"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
}

# qemu_domu_args <xenolith.elf> <kernel args>: no domain 0; Linux is domain 1,
# described by an xl.cfg module followed by its kernel and ramdisk modules.
# Its console is the PV console ring served by Xenolith, and the serial input
# goes to it (the lowest-numbered domain has the input at boot).
qemu_domu_args() {
    local xen=$1 cfg; shift
    cfg=$(dirname "$KERNEL_ELF")/linux-domu.cfg
    linux_domu_cfg "$cfg" "$@"
    QEMU_ARGS=(-accel tcg -cpu max -m "$LINUX_QEMU_MEM" -display none -no-reboot -monitor none
               -device isa-debug-exit,iobase=0xf4,iosize=0x04
               -kernel "$xen" -append "$XENOLITH_CMDLINE ${XENOLITH_EXTRA:-}"
               -initrd "$cfg,$KERNEL_ELF,$INITRAMFS")
}
