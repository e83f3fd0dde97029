#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tests of tools/bzimage2elf.py on bzImage-like files made here.

Each test builds a small ELF kernel (a PT_LOAD, a PT_NOTE with Xen notes, and
trailing bytes standing for the relocation table a real bzImage carries),
compresses it the way the kernel build does (the uncompressed size appended
to every payload but gzip's, whose trailer already ends with it), wraps it in
a setup block with a boot-protocol header, and runs the tool on it.  Then
every kind of bad input is checked for its error.  Debian's kernels are
checked as well when scripts/linux-fetch.sh has them in its cache.

Run: tests/tools/test_bzimage2elf.py (prints PASS/FAIL per test and
"N passed, M failed"), or python3 -m unittest discover tests/tools.
"""
import bz2
import glob
import gzip
import importlib.util
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "bzimage2elf.py")
_spec = importlib.util.spec_from_file_location("bzimage2elf", TOOL)
b2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b2e)

PVH_ENTRY = 0x1000850
LZ4_MAGIC = struct.pack("<I", 0x184C2102)


# ---- building test kernels ---------------------------------------------------------

def note(name, ntype, desc):
    name_z = name + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(name_z), len(desc), ntype) + pad(name_z) + pad(desc)


def default_notes():
    return (note(b"Xen", 6, b"linux\0") + note(b"GNU", 3, b"\x01" * 20)
            + note(b"Xen", 18, struct.pack("<Q", PVH_ENTRY)))


def make_elf(notes=None, cls=64, etype=2, body=None, tail=b"RELOCS" * 10, with_load=True):
    """An ELF kernel: header, 2 program headers, the note blob, then the body."""
    notes = default_notes() if notes is None else notes
    body = body if body is not None else (b"kernel text " * 400 + bytes(range(256)) * 8)
    ehsize, phsize = (64, 56) if cls == 64 else (52, 32)
    phoff = ehsize
    note_off = phoff + 2 * phsize
    body_off = note_off + len(notes)
    ptype0 = 1 if with_load else 6   # PT_LOAD, or PT_PHDR when a test wants no load
    if cls == 64:
        hdr = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9 + struct.pack(
            "<HHIQQQIHHHHHH", etype, 62, 1, 0x1000000, phoff, 0, 0, ehsize, phsize, 2, 64, 0, 0)
        ph = struct.pack("<IIQQQQQQ", ptype0, 5, body_off, 0xFFFFFFFF81000000, 0x1000000,
                         len(body), len(body) + 4096, 0x1000)
        ph += struct.pack("<IIQQQQQQ", 4, 4, note_off, 0, 0, len(notes), len(notes), 4)
    else:
        hdr = b"\x7fELF" + bytes([1, 1, 1]) + b"\0" * 9 + struct.pack(
            "<HHIIIIIHHHHHH", etype, 3, 1, 0x1000000, phoff, 0, 0, ehsize, phsize, 2, 40, 0, 0)
        ph = struct.pack("<IIIIIIII", ptype0, body_off, 0xC1000000, 0x1000000, len(body),
                         len(body) + 4096, 5, 0x1000)
        ph += struct.pack("<IIIIIIII", 4, note_off, 0, 0, len(notes), len(notes), 4, 4)
    elf = hdr + ph + notes + body
    return elf, elf + tail


def lz4_literals_block(data):
    """A valid LZ4 block holding data as literals only."""
    n = len(data)
    if n < 15:
        return bytes([n << 4]) + data
    ext, rest = bytearray(), n - 15
    while rest >= 255:
        ext.append(255)
        rest -= 255
    ext.append(rest)
    return bytes([0xF0]) + bytes(ext) + data


def lz4_seq(literals, offset, mlen):
    """One LZ4 sequence with a match (mlen >= 4)."""
    def ext(v):
        out = bytearray()
        v -= 15
        while v >= 255:
            out.append(255)
            v -= 255
        out.append(v)
        return bytes(out)
    lit, m = len(literals), mlen - 4
    token = (min(lit, 15) << 4) | min(m, 15)
    out = bytes([token]) + (ext(lit) if lit >= 15 else b"") + literals
    out += struct.pack("<H", offset) + (ext(m) if m >= 15 else b"")
    return out


def lz4_frame(*blocks):
    out = LZ4_MAGIC
    for b in blocks:
        out += struct.pack("<I", len(b)) + b
    return out


def compress(method, data):
    """The payload as the kernel build makes it."""
    size = struct.pack("<I", len(data))
    if method == "gzip":
        return gzip.compress(data, 9, mtime=0)
    if method == "xz":
        return lzma.compress(data, lzma.FORMAT_XZ, check=lzma.CHECK_CRC32) + size
    if method == "lzma":
        return lzma.compress(data, lzma.FORMAT_ALONE) + size
    if method == "bzip2":
        return bz2.compress(data, 9) + size
    if method == "lz4":
        return run_tool(["lz4", "-l", "-9", "-c"], data) + size
    if method == "zstd":
        return run_tool(["zstd", "-19", "-c", "-q"], data) + size
    raise ValueError(method)


def run_tool(cmd, data):
    if shutil.which(cmd[0]) is None:
        raise unittest.SkipTest("%s program not installed" % cmd[0])
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def make_bzimage(payload, setup_sects=3, version=0x020F, boot_flag=0xAA55, magic=b"HdrS",
                 loadflags=1, payload_offset=0x3C0, payload_length=None, extra=b"\0" * 16):
    """A bzImage-like file: setup sectors with the header, then the 32/64-bit
    part whose payload sits payload_offset bytes in."""
    setup = bytearray((setup_sects or 4) * 512 + 512)
    setup[0x1F1] = setup_sects
    struct.pack_into("<H", setup, 0x1FE, boot_flag)
    setup[0x202:0x206] = magic
    struct.pack_into("<H", setup, 0x206, version)
    setup[0x211] = loadflags
    struct.pack_into("<II", setup, 0x248, payload_offset,
                     len(payload) if payload_length is None else payload_length)
    pm = bytearray(b"\x90" * payload_offset) + payload + extra
    return bytes(setup) + bytes(pm)


# ---- the tests -------------------------------------------------------------------------

class Extraction(unittest.TestCase):
    """Good inputs: every compression, header variants, the command line."""

    def roundtrip(self, method, **kw):
        elf, full = make_elf(**kw)
        out, report = b2e.extract(make_bzimage(compress(method, full)))
        self.assertEqual(out, elf)      # relocation tail dropped, ELF intact
        self.assertIn("%s payload, %d bytes decompressed" % (method, len(full)), report)
        self.assertIn("PVH entry (PHYS32_ENTRY) 0x%x" % PVH_ENTRY, report)
        return report

    def test_gzip(self):
        self.roundtrip("gzip")

    def test_xz(self):
        self.roundtrip("xz")

    def test_lzma(self):
        self.roundtrip("lzma")

    def test_bzip2(self):
        self.roundtrip("bzip2")

    def test_lz4_from_lz4_program(self):
        self.roundtrip("lz4")

    def test_zstd(self):
        self.roundtrip("zstd")

    def test_lz4_several_blocks(self):
        # lz4 -l cuts its input in 8 MiB blocks: 9 MiB of varied data makes two.
        body = b"".join(struct.pack("<I", i * 2654435761 & 0xFFFFFFFF) for i in range(1 << 16))
        body = (body * 37)[:9 << 20]
        elf, full = make_elf(body=body)
        payload = compress("lz4", full)
        first = struct.unpack_from("<I", payload, 4)[0]
        self.assertLess(8 + first, len(payload) - 4, "the test needs two blocks")
        out, _ = b2e.extract(make_bzimage(payload))
        self.assertEqual(out, elf)

    def test_elf32_kernel(self):
        report = self.roundtrip("gzip", cls=32)
        self.assertTrue(report[2].startswith("ELF32, machine 3"), report)

    def test_phys32_entry_4_bytes(self):
        notes = note(b"Xen", 18, struct.pack("<I", 0x123456))
        elf, full = make_elf(notes=notes)
        out, report = b2e.extract(make_bzimage(compress("xz", full)))
        self.assertEqual(out, elf)
        self.assertIn("PVH entry (PHYS32_ENTRY) 0x123456", report)

    def test_setup_sects_zero_means_four(self):
        elf, full = make_elf()
        img = make_bzimage(compress("gzip", full), setup_sects=0)
        out, report = b2e.extract(img)
        self.assertEqual(out, elf)
        self.assertIn("setup_sects 4", report[0])

    def test_report_names_header_and_notes(self):
        elf, full = make_elf()
        payload = compress("xz", full)
        _, report = b2e.extract(make_bzimage(payload, setup_sects=3, payload_offset=0x3C0))
        self.assertEqual(report[0], "bzImage, boot protocol 2.15, setup_sects 3, payload at %d "
                         "(%d bytes)" % (4 * 512 + 0x3C0, len(payload)))
        self.assertIn('  Xen note GUEST_OS       "linux"', report)
        self.assertIn("  Xen note PHYS32_ENTRY   0x%x" % PVH_ENTRY, report)
        self.assertTrue(any(line.startswith("  PT_LOAD paddr 0x01000000-") for line in report))

    def test_input_already_elf(self):
        elf, _ = make_elf(tail=b"")
        out, report = b2e.extract(elf)
        self.assertEqual(out, elf)
        self.assertEqual(report[0], "input is already an ELF kernel")

    def test_xz_zero_padding_after_stream(self):
        elf, full = make_elf()
        payload = lzma.compress(full, lzma.FORMAT_XZ) + b"\0" * 4 + struct.pack("<I", len(full))
        out, _ = b2e.extract(make_bzimage(payload))
        self.assertEqual(out, elf)

    def test_command_line_writes_elf(self):
        elf, full = make_elf()
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "bz"), os.path.join(tmp, "out.elf")
            with open(src, "wb") as f:
                f.write(make_bzimage(compress("bzip2", full)))
            res = cli(src, dst)
            self.assertEqual(res.returncode, 0, res.stderr)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), elf)
            self.assertIn("bzip2 payload", res.stdout)
            self.assertIn("wrote %s (%d bytes)" % (dst, len(elf)), res.stdout)
            self.assertFalse(os.path.exists(dst + ".tmp"))
            res = cli("-q", src, dst)
            self.assertEqual((res.returncode, res.stdout, res.stderr), (0, "", ""))

    def test_command_line_info_writes_nothing(self):
        _, full = make_elf()
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "bz")
            with open(src, "wb") as f:
                f.write(make_bzimage(compress("gzip", full)))
            res = cli("--info", src)
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertIn("PVH entry (PHYS32_ENTRY) 0x1000850", res.stdout)
            self.assertEqual(sorted(os.listdir(tmp)), ["bz"])


class Lz4Decoder(unittest.TestCase):
    """The hand-written LZ4 legacy decoder, on blocks made by hand."""

    def decode(self, frame):
        return b2e.decompress_lz4(frame)

    def test_literals_and_matches(self):
        block = lz4_seq(b"abcd", 4, 8) + lz4_literals_block(b"xyz")
        out, rest = self.decode(lz4_frame(block))
        self.assertEqual((out, rest), (b"abcdabcdabcdxyz", b""))

    def test_overlapping_match_repeats_pattern(self):
        block = lz4_seq(b"ab", 2, 9) + lz4_seq(b"Z", 1, 5) + lz4_literals_block(b"!")
        out, _ = self.decode(lz4_frame(block))
        self.assertEqual(out, b"ab" * 5 + b"a" + b"Z" * 6 + b"!")

    def test_long_lengths(self):
        lit = bytes(range(256)) * 2          # 512 literals: 15 + 255 + 242
        block = lz4_seq(lit, 256, 300) + lz4_literals_block(b"e" * 20)
        out, _ = self.decode(lz4_frame(block))
        self.assertEqual(out, lit + lit[256:] + lit[256:300] + b"e" * 20)
        self.assertEqual(len(out), 512 + 300 + 20)

    def test_blocks_share_history_and_magic_may_repeat(self):
        # The second block refers back into the first block's output.
        second = lz4_seq(b"", 5, 5) + lz4_literals_block(b"!")
        frame = lz4_frame(lz4_literals_block(b"hello")) + LZ4_MAGIC + \
            struct.pack("<I", len(second)) + second + struct.pack("<I", 11)
        out, rest = self.decode(frame)
        self.assertEqual(out, b"hellohello!")
        self.assertEqual(rest, struct.pack("<I", 11))

    def assert_bad(self, frame, words):
        with self.assertRaises(b2e.BadImage) as ctx:
            self.decode(frame)
        for w in words.split("|"):
            self.assertIn(w, str(ctx.exception))

    def test_offset_zero(self):
        self.assert_bad(lz4_frame(lz4_seq(b"abcd", 0, 4) + b"\x10x"), "match offset 0")

    def test_offset_before_start(self):
        self.assert_bad(lz4_frame(lz4_seq(b"abcd", 5, 4) + b"\x10x"), "match offset 5")

    def test_literals_past_block(self):
        self.assert_bad(lz4_frame(b"\x50abc"), "literals run past")

    def test_length_past_block(self):
        self.assert_bad(lz4_frame(b"\xf0\xff\xff"), "length runs past")

    def test_offset_cut_off(self):
        self.assert_bad(lz4_frame(b"\x44abcd\x01"), "offset is cut off")

    def test_block_without_last_literals(self):
        self.assert_bad(lz4_frame(lz4_seq(b"abcd", 4, 4)), "without its last literals")

    def test_block_too_large(self):
        big = lz4_seq(b"a", 1, (8 << 20) + 10) + b"\x10x"
        self.assert_bad(lz4_frame(big), "more than 8388608 bytes")

    def test_block_past_end(self):
        frame = LZ4_MAGIC + struct.pack("<I", 100) + b"\x10x"
        self.assert_bad(frame, "truncated lz4|runs past the end")

    def test_stray_bytes(self):
        self.assert_bad(lz4_frame(b"\x10x") + b"\x01\x02", "2 stray bytes")

    def test_empty_block(self):
        self.assert_bad(LZ4_MAGIC + struct.pack("<I", 0) + b"\0" * 8, "empty block")

    def test_no_block(self):
        self.assert_bad(LZ4_MAGIC + struct.pack("<I", 9), "no block after the magic")


class BadInput(unittest.TestCase):
    """Every way a file can fail, each with its message."""

    def assert_bad(self, data, *words):
        with self.assertRaises(b2e.BadImage) as ctx:
            b2e.extract(data)
        for w in words:
            self.assertIn(w, str(ctx.exception))
        return str(ctx.exception)

    def good_payload(self, method="gzip", **kw):
        return compress(method, make_elf(**kw)[1])

    def test_tiny_file(self):
        self.assert_bad(b"MZ" + b"\0" * 100, "not a bzImage", "too short")

    def test_empty_file(self):
        self.assert_bad(b"", "not a bzImage")

    def test_no_hdrs(self):
        self.assert_bad(make_bzimage(self.good_payload(), magic=b"XXXX"), 'no "HdrS"')

    def test_text_file(self):
        self.assert_bad(b"#!/bin/sh\n" * 100, 'no "HdrS"')

    def test_header_cut_off(self):
        img = make_bzimage(self.good_payload())[:0x220]
        self.assert_bad(img, "truncated bzImage", "setup header")

    def test_boot_flag(self):
        self.assert_bad(make_bzimage(self.good_payload(), boot_flag=0x1234), "0x1234", "0xaa55")

    def test_old_protocol(self):
        self.assert_bad(make_bzimage(self.good_payload(), version=0x0206),
                        "boot protocol 2.06", "older than 2.08")

    def test_zimage(self):
        self.assert_bad(make_bzimage(self.good_payload(), loadflags=0), "LOADED_HIGH")

    def test_setup_past_end(self):
        img = make_bzimage(self.good_payload(), setup_sects=200)[:4096]
        self.assert_bad(img, "truncated bzImage", "setup_sects=200")

    def test_payload_past_end(self):
        img = make_bzimage(self.good_payload(), extra=b"")
        self.assert_bad(img[:-100], "truncated bzImage", "the payload spans")

    def test_no_payload(self):
        self.assert_bad(make_bzimage(b"", payload_length=0), "payload_length is 0")

    def test_unknown_compression(self):
        self.assert_bad(make_bzimage(b"\x12\x34\x56\x78" + b"\0" * 60),
                        "unknown compression", "12 34 56 78")

    def test_lzo(self):
        self.assert_bad(make_bzimage(b"\x89LZO\x00\r\n" + b"\0" * 60), "LZO", "not supported")

    def corrupt_middle(self, payload):
        p = bytearray(payload)
        mid = len(p) // 2
        for k in range(mid, mid + 16):
            p[k] ^= 0x5A
        return bytes(p)

    def test_corrupt_each_method(self):
        for method in ("gzip", "xz", "lzma", "bzip2", "zstd"):
            with self.subTest(method=method):
                bad = self.corrupt_middle(self.good_payload(method))
                msg = self.assert_bad(make_bzimage(bad))
                self.assertRegex(msg, r"(corrupt|truncated) %s payload|%s payload decompressed "
                                 r"to \d+ bytes, but the bzImage says" % (method, method))

    def test_truncated_each_method(self):
        for method in ("gzip", "xz", "lzma", "bzip2", "lz4", "zstd"):
            with self.subTest(method=method):
                good = self.good_payload(method)
                bad = good[:len(good) // 2] + good[-4:]
                msg = self.assert_bad(make_bzimage(bad))
                self.assertRegex(msg, "(truncated|corrupt)[^:]* %s payload|%s payload "
                                 "decompressed to" % (method, method))

    def test_size_mismatch(self):
        full = make_elf()[1]
        payload = lzma.compress(full, lzma.FORMAT_XZ) + struct.pack("<I", len(full) + 1)
        self.assert_bad(make_bzimage(payload), "decompressed to %d bytes, but the bzImage says %d"
                        % (len(full), len(full) + 1))

    def test_garbage_after_stream(self):
        full = make_elf()[1]
        payload = bz2.compress(full) + b"junk" + struct.pack("<I", len(full))
        self.assert_bad(make_bzimage(payload), "4 unexpected bytes after the bzip2 stream")

    def test_zstd_program_missing(self):
        payload = self.good_payload("zstd")
        real_import = __import__

        def no_zstandard(name, *a, **kw):
            if name == "zstandard":
                raise ImportError(name)
            return real_import(name, *a, **kw)
        with mock.patch.dict(os.environ, {"ZSTD": "/nonexistent/zstd"}), \
                mock.patch("builtins.__import__", no_zstandard):
            self.assert_bad(make_bzimage(payload), "zstd payload", "apt-get install zstd")

    def test_payload_not_elf(self):
        data = b"MZ not an elf at all" * 10
        self.assert_bad(make_bzimage(compress("gzip", data)), "not an ELF kernel", "4d 5a")

    def test_elf_truncated_header(self):
        self.assert_bad(make_bzimage(compress("gzip", b"\x7fELF\x02\x01" + b"\0" * 30)),
                        "truncated ELF header")

    def test_elf_big_endian(self):
        elf = bytearray(make_elf()[1])
        elf[5] = 2
        self.assert_bad(make_bzimage(compress("gzip", bytes(elf))), "not little-endian")

    def test_elf_bad_class(self):
        elf = bytearray(make_elf()[1])
        elf[4] = 7
        self.assert_bad(bytes(elf), "unknown ELF class 7")

    def test_elf_not_executable(self):
        self.assert_bad(make_bzimage(compress("xz", make_elf(etype=1)[1])),
                        "ELF type 1 is not an executable")

    def test_elf_program_headers_past_end(self):
        elf = make_elf()[0][:64 + 60]
        self.assert_bad(elf, "program headers past the end")

    def test_elf_segment_past_end(self):
        elf = make_elf(tail=b"")[0]
        self.assert_bad(elf[:-10], "segment 0", "past the end")

    def test_elf_without_load(self):
        self.assert_bad(make_elf(with_load=False)[1], "no PT_LOAD")

    def test_elf_bad_phentsize(self):
        elf = bytearray(make_elf()[1])
        struct.pack_into("<H", elf, 54, 40)
        self.assert_bad(bytes(elf), "no usable program headers")

    def test_no_xen_notes_names_config_pvh(self):
        elf = make_elf(notes=note(b"GNU", 3, b"\x01" * 20))[1]
        self.assert_bad(make_bzimage(compress("xz", elf)), "no Xen PHYS32_ENTRY note",
                        "Xen notes present: none", "CONFIG_PVH=y")

    def test_xen_notes_without_pvh_entry(self):
        notes = note(b"Xen", 6, b"linux\0") + note(b"Xen", 1, struct.pack("<Q", 0xFFFF))
        self.assert_bad(make_bzimage(compress("gzip", make_elf(notes=notes)[1])),
                        "Xen notes present: ENTRY, GUEST_OS", "CONFIG_PVH")

    def test_pvh_note_of_other_owner_is_ignored(self):
        notes = note(b"Xenx", 18, struct.pack("<Q", PVH_ENTRY))
        self.assert_bad(make_elf(notes=notes)[1], "no Xen PHYS32_ENTRY note")

    def test_pvh_note_odd_size(self):
        self.assert_bad(make_elf(notes=note(b"Xen", 18, b"\1\2\3"))[1], "3-byte value")

    def test_corrupt_note(self):
        notes = struct.pack("<III", 4, 1000, 18) + b"Xen\0" + b"\0" * 8
        self.assert_bad(make_elf(notes=notes)[1], "corrupt ELF note")

    def test_command_line_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "bz"), os.path.join(tmp, "out.elf")
            with open(src, "wb") as f:
                f.write(b"not a kernel\n" * 100)
            res = cli(src, dst)
            self.assertEqual(res.returncode, 1)
            self.assertIn("bzimage2elf: %s: not a bzImage" % src, res.stderr)
            self.assertFalse(os.path.exists(dst))
            res = cli(os.path.join(tmp, "missing"), dst)
            self.assertEqual(res.returncode, 1)
            self.assertIn("No such file", res.stderr)
            res = cli(src)
            self.assertEqual(res.returncode, 2)
            self.assertIn("an output file is needed", res.stderr)
            with open(src, "wb") as f:
                f.write(make_bzimage(compress("gzip", make_elf()[1])))
            res = cli(src, os.path.join(tmp, "no-such-dir", "out.elf"))
            self.assertEqual(res.returncode, 1)
            self.assertIn("No such file", res.stderr)


def cached_kernels():
    cache = os.environ.get("XENOLITH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "xenolith")
    return sorted(glob.glob(os.path.join(cache, "linux", "*", "boot", "vmlinuz-*")))


class DebianKernel(unittest.TestCase):
    """The real thing, when scripts/linux-fetch.sh has cached it."""

    def test_cached_debian_kernels(self):
        kernels = cached_kernels()
        if not kernels:
            self.skipTest("no Debian kernel cached (scripts/linux-fetch.sh fetches one)")
        for path in kernels:
            with self.subTest(kernel=os.path.basename(path)):
                with open(path, "rb") as f:
                    out, report = b2e.extract(f.read())
                self.assertEqual(out[:5], b"\x7fELF\x02")
                self.assertRegex(report[1], r"^(xz|lz4|gzip|zstd) payload, \d+ bytes")
                self.assertTrue(report[2].startswith("ELF64, machine 62"), report[2])
                self.assertIn('  Xen note GUEST_OS       "linux"', report)
                self.assertTrue(report[-1].startswith("PVH entry (PHYS32_ENTRY) 0x"))


def cli(*args):
    return subprocess.run([sys.executable, TOOL] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)


class PassFailResult(unittest.TextTestResult):
    """One PASS/FAIL line per test, the form scripts/test.sh counts."""

    def addSuccess(self, test):
        super().addSuccess(test)
        print("PASS %s" % test.id().split(".", 1)[1], flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print("FAIL %s" % test.id().split(".", 1)[1], flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print("FAIL %s (error)" % test.id().split(".", 1)[1], flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        print("SKIP %s: %s" % (test.id().split(".", 1)[1], reason), flush=True)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    res = unittest.TextTestRunner(resultclass=PassFailResult, verbosity=0,
                                  stream=sys.stderr).run(suite)
    bad = len(res.failures) + len(res.errors)
    print("%d passed, %d failed, %d skipped" % (res.testsRun - bad - len(res.skipped), bad,
                                                len(res.skipped)))
    sys.exit(1 if bad else 0)
