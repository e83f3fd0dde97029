# SPDX-License-Identifier: GPL-2.0-only
#
# Xenolith: one entry point for the bare-metal image, the simulator, the tests,
# the proofs, the fuzzers and the coverage report.
#
#   make            bare-metal image (build/xenolith.elf) + simulator + unit tests
#   make run        boot Xenolith under QEMU with its demo configuration
#   make test       everything CI checks, ending in "N passed, M failed"
#   make proofs     run Frama-C WP, update the proof cache and the report
#   make fuzz       run every fuzz harness for FUZZ_SECONDS each
#   make coverage   lcov HTML report of src/, gated by coverage/thresholds.mk
#   make bench      benchmarks (instruction counts)
#   make iso        GRUB rescue ISO (build/xenolith.iso)
#   make install    Xen-style install under $(DESTDIR)/boot
#   make clean

VERSION_MAJOR := 0
VERSION_MINOR := 1
VERSION_EXTRA := .0
VERSION       := $(VERSION_MAJOR).$(VERSION_MINOR)$(VERSION_EXTRA)

ifeq ($(origin CC),default)
CC := gcc
endif
BUILD ?= build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Everything the image and the simulator need, installed once by one script.
DEPS_STAMP := $(shell scripts/install-deps.sh >&2 && echo ok)
ifneq ($(DEPS_STAMP),ok)
$(error scripts/install-deps.sh failed: see the messages above)
endif

CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
# Linker flags that differ between the two toolchains.
ifeq ($(CC_IS_CLANG),1)
TOOLCHAIN_LDFLAGS := -fuse-ld=lld
else
TOOLCHAIN_LDFLAGS := -no-pie -Wl,--no-warn-rwx-segments
endif

WARNINGS := -Wall -Wextra -Werror -Wconversion -Wsign-conversion -Wshadow -Wvla \
            -Wmissing-prototypes -Wstrict-prototypes
COMMON_CFLAGS := -std=c11 $(WARNINGS) -Isrc/include -g -O2 \
                 -DXENOLITH_VERSION_MAJOR=$(VERSION_MAJOR) \
                 -DXENOLITH_VERSION_MINOR=$(VERSION_MINOR) \
                 -DXENOLITH_VERSION_EXTRA='"$(VERSION_EXTRA)"'

# Objects remember which compiler built them: switching CC in the same BUILD
# directory rebuilds everything instead of mixing GCC and Clang objects.
CC_STAMP := $(BUILD)/.cc-$(subst /,_,$(CC))
$(CC_STAMP):
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/.cc-*
	@touch $@

# ---- sources ----------------------------------------------------------------
CORE_SRCS := $(sort $(wildcard src/core/*.c))
ARCH_SRCS := $(sort $(wildcard src/arch/x86_64/*.c src/arch/x86_64/svm/*.c src/arch/x86_64/vmx/*.c))
HAL_SRCS  := $(sort $(wildcard src/hal/x86_64/*.c))
HAL_ASMS  := $(sort $(wildcard src/hal/x86_64/*.S))
SIM_SRCS  := $(sort $(wildcard sim/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
SCEN_SRCS := $(sort $(wildcard tests/sim/test_*.c))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
PORTABLE_SRCS := $(CORE_SRCS) $(ARCH_SRCS)

# ---- bare metal ----------------------------------------------------------------
HV_CFLAGS := $(COMMON_CFLAGS) -ffreestanding -fno-pic -fno-pie -mno-red-zone \
             -mgeneral-regs-only -mno-sse -mno-mmx -fno-stack-protector \
             -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -m64 \
             -mcmodel=small -DXENOLITH_BARE_METAL=1
HV_ASFLAGS := -Isrc/include -m64 -fno-pic -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static $(TOOLCHAIN_LDFLAGS) -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
              -Wl,-T,src/hal/x86_64/xenolith.ld -Wl,-z,noexecstack
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(PORTABLE_SRCS) $(HAL_SRCS)) \
           $(patsubst %.S,$(BUILD)/hv/%.o,$(HAL_ASMS))

# ---- simulator ------------------------------------------------------------------
COV_FLAGS ?=
SIM_CFLAGS := $(COMMON_CFLAGS) -Isim -DXENOLITH_SIM=1 $(COV_FLAGS)
SIM_LIB_OBJS := $(patsubst %.c,$(BUILD)/sim/%.o,$(PORTABLE_SRCS) $(SIM_SRCS))
SIM_LIB := $(BUILD)/sim/libxenolith-sim.a
TEST_CFLAGS := $(SIM_CFLAGS) -Itests/unit
TEST_LIBS := -lcmocka
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS)) \
             $(patsubst tests/sim/%.c,$(BUILD)/tests/sim/%,$(SCEN_SRCS))

.PHONY: all hv sim unit guests run test proofs proofs-replay fuzz fuzz-smoke coverage bench iso \
        install uninstall clean deps boot-tests check-clang linux-test run-linux
.DEFAULT_GOAL := all

all: hv sim unit $(BUILD)/tests/mbshim.elf

deps:
	@scripts/install-deps.sh

# The multiboot image is the 64-bit link converted to ELF32: QEMU's -kernel
# accepts only 32-bit multiboot ELFs, and GRUB's multiboot2 loads it as well.
hv: $(BUILD)/xenolith.elf $(BUILD)/xenolith.gz

$(BUILD)/xenolith-syms: $(HV_OBJS) src/hal/x86_64/xenolith.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(HV_CFLAGS) $(HV_LDFLAGS) -o $@ $(HV_OBJS)

$(BUILD)/xenolith.elf: $(BUILD)/xenolith-syms
	@echo "  OBJCOPY $@"
	$(Q)objcopy -O elf32-i386 --strip-debug $< $@

$(BUILD)/xenolith.gz: $(BUILD)/xenolith.elf
	$(Q)gzip -9 -n -c $< > $@

$(BUILD)/hv/%.o: %.c $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv/%.o: %.S $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

sim: $(SIM_LIB)

$(SIM_LIB): $(SIM_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/sim/%.o: %.c $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC sim  $@"
	$(Q)$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

unit: $(UNIT_BINS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(SIM_LIB) $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP $< -o $@ $(SIM_LIB) $(TEST_LIBS)

$(BUILD)/tests/sim/%: tests/sim/%.c $(SIM_LIB) $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP $< -o $@ $(SIM_LIB) $(TEST_LIBS)

# ---- running ------------------------------------------------------------------------
QEMU ?= qemu-system-x86_64
# The bundled demo domains (scripts/run-demo.sh): Linux as a domU when Debian's kernel is
# at hand, tiny test guests otherwise.  RUN_GUEST=<elf> boots one PVH kernel as domain 0;
# RUN_CMDLINE, QEMU_MEM, RUN_LINUX (0: never Linux, 1: fetch it) are passed through.
export RUN_CMDLINE RUN_GUEST RUN_GUEST_ARGS RUN_LINUX QEMU_MEM QEMU
run: hv guests
	$(Q)scripts/run-demo.sh $(BUILD)

iso: $(BUILD)/xenolith.iso

$(BUILD)/xenolith.iso: $(BUILD)/xenolith.gz scripts/mkiso.sh
	$(Q)scripts/mkiso.sh $(BUILD) $@

# Test-only multiboot1 shim that hands Xenolith broken memory maps.
SHIM_CFLAGS := -m32 -std=c11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -O2 \
               -Wall -Wextra -Werror -nostdlib -static $(TOOLCHAIN_LDFLAGS) -Wl,--build-id=none \
               -Wl,-T,tests/boot/mbshim/shim.ld
$(BUILD)/tests/mbshim.elf: tests/boot/mbshim/shim.S tests/boot/mbshim/shim.c tests/boot/mbshim/shim.ld $(CC_STAMP)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SHIM_CFLAGS) -o $@ tests/boot/mbshim/shim.S tests/boot/mbshim/shim.c

# ---- checks ---------------------------------------------------------------------------
test:
	$(Q)scripts/test.sh

# Our freestanding PVH test guests (tests/guests/, docs/TEST-GUESTS.md).
guests:
	$(Q)$(MAKE) --no-print-directory -C tests/guests BUILD=$(abspath $(BUILD))/guests

boot-tests: hv iso $(BUILD)/tests/mbshim.elf
	$(Q)tests/boot/run-boot-tests.sh $(BUILD)

check-clang:
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang all

proofs:
	$(Q)proofs/wp.sh update

proofs-replay:
	$(Q)proofs/wp.sh replay

FUZZ_SECONDS ?= 60
fuzz:
	$(Q)fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

fuzz-smoke:
	$(Q)fuzz/run.sh $(BUILD)/fuzz 10

coverage:
	$(Q)coverage/run.sh $(BUILD)/cov

bench: hv guests
	$(Q)scripts/bench.sh $(BUILD)
	$(Q)scripts/bench-guest.sh $(BUILD)
	$(Q)tests/linux/bench-boot.sh --xen $(BUILD)/xenolith.elf --domu $(BUILD)

# Debian's stock kernel as a PVH guest (docs/LINUX.md): the automatic tests (as an unprivileged
# domain with commands typed at its shell, and as the initial domain), and an interactive boot
# (LINUX_AS=dom0 boots it as the initial domain instead of a domU).
LINUX_AS ?= domu
linux-test: hv
	$(Q)tests/linux/run-linux.sh --domu $(BUILD)/xenolith.elf --shell $(BUILD)
	$(Q)tests/linux/run-linux.sh --xen $(BUILD)/xenolith.elf $(BUILD)

run-linux: hv
	$(Q)tests/linux/run-linux.sh --interactive --$(if $(filter dom0,$(LINUX_AS)),xen,domu) \
	  $(BUILD)/xenolith.elf $(BUILD)

# ---- installing, the Xen way ---------------------------------------------------------
DESTDIR ?=
BOOTDIR ?= /boot
install: hv
	install -d $(DESTDIR)$(BOOTDIR)
	install -m 0644 $(BUILD)/xenolith.gz $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION).gz
	ln -sf xenolith-$(VERSION).gz $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION_MAJOR).$(VERSION_MINOR).gz
	ln -sf xenolith-$(VERSION).gz $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION_MAJOR).gz
	ln -sf xenolith-$(VERSION).gz $(DESTDIR)$(BOOTDIR)/xenolith.gz
	install -m 0644 $(BUILD)/xenolith-syms $(DESTDIR)$(BOOTDIR)/xenolith-syms-$(VERSION)
	install -m 0644 $(BUILD)/xenolith.config $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION).config

uninstall:
	rm -f $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION).gz $(DESTDIR)$(BOOTDIR)/xenolith.gz \
	      $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION_MAJOR).$(VERSION_MINOR).gz \
	      $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION_MAJOR).gz \
	      $(DESTDIR)$(BOOTDIR)/xenolith-syms-$(VERSION) $(DESTDIR)$(BOOTDIR)/xenolith-$(VERSION).config

# The build configuration, installed next to the image like Xen's xen-<ver>.config.
hv: $(BUILD)/xenolith.config
$(BUILD)/xenolith.config: Makefile
	@mkdir -p $(BUILD)
	$(Q)printf 'XENOLITH_VERSION=%s\nCC=%s\nARCH=x86_64\n' "$(VERSION)" "$(CC)" > $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
