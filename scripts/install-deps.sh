#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs every Debian package the build, tests, proofs and fuzzers need.
# Idempotent and fast when everything is present: the check is one dpkg-query call.
set -euo pipefail

PACKAGES=(
  gcc clang lld llvm make binutils nasm
  qemu-system-x86 grub-pc-bin grub-common xorriso mtools
  bochs bochsbios vgabios bochs-term
  frama-c-base why3 z3 cvc4 cvc5
  libcmocka-dev lcov afl++ libclang-rt-14-dev valgrind
  cpio xz-utils lz4 zstd gzip busybox-static python3
)

missing=()
while read -r status pkg; do
  [ "$status" = "installed" ] || missing+=("$pkg")
done < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null || true)

# dpkg-query prints nothing for packages it has never heard of: catch those too.
known=$(dpkg-query -W -f='${Package}\n' "${PACKAGES[@]}" 2>/dev/null || true)
for p in "${PACKAGES[@]}"; do
  grep -qx "$p" <<<"$known" || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
