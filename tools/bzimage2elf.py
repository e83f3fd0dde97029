#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Extract the ELF kernel (vmlinux) from a Linux x86 bzImage for PVH booting.

  tools/bzimage2elf.py BZIMAGE OUT.elf    write the ELF, print what was found
  tools/bzimage2elf.py --info BZIMAGE     only check and print
  tools/bzimage2elf.py -q BZIMAGE OUT     quiet unless something is wrong

A PVH loader needs the ELF: its PT_LOAD segments and the Xen note that gives
the 32-bit entry point (XEN_ELFNOTE_PHYS32_ENTRY).  A bzImage wraps that ELF
in a real-mode setup block and a self-decompressor; the compressed ELF sits at
(setup_sects + 1) * 512 + payload_offset, payload_length bytes long, and the
build appends the uncompressed size as the payload's last 4 bytes.

Payloads: gzip, xz, lzma, bzip2 (Python's standard library), lz4 in its
legacy frame format (decoded here) and zstd (the python3-zstandard module when
present, otherwise the zstd program).  LZO is recognised and refused.  Given an
ELF instead of a bzImage, the ELF is checked and copied as it is.

Exit status: 0 success, 1 bad input (the message says what and why), 2 usage.
"""
import argparse
import bz2
import lzma
import os
import shutil
import struct
import subprocess
import sys
import zlib

SECTOR = 512
HDR_MAGIC = b"HdrS"
BOOT_FLAG = 0xAA55
MIN_VERSION = 0x0208          # first boot protocol with payload_offset/length
XEN_NOTE_NAME = b"Xen"
XEN_ELFNOTE_PHYS32_ENTRY = 18
# Notes worth showing; their numbers are Xen's public elfnote ABI.
XEN_NOTE_NAMES = {
    1: "ENTRY", 2: "HYPERCALL_PAGE", 3: "VIRT_BASE", 4: "PADDR_OFFSET",
    5: "XEN_VERSION", 6: "GUEST_OS", 7: "GUEST_VERSION", 8: "LOADER",
    9: "PAE_MODE", 10: "FEATURES", 11: "BSD_SYMTAB", 12: "HV_START_LOW",
    13: "L1_MFN_VALID", 14: "SUSPEND_CANCEL", 15: "INIT_P2M", 16: "MOD_START_PFN",
    17: "SUPPORTED_FEATURES", 18: "PHYS32_ENTRY",
}
STRING_NOTES = (5, 6, 7, 8, 9, 10)

LZ4_LEGACY_MAGIC = 0x184C2102
LZ4_LEGACY_BLOCK = 8 << 20    # a legacy block never decodes to more than 8 MiB
# Decompressed kernels are tens of MiB; refuse anything absurd before allocating.
MAX_OUTPUT = 1 << 30


class BadImage(Exception):
    """Input that is not what it must be; the message is for the user."""


# ---- setup header ------------------------------------------------------------

def u8(data, off):
    return data[off]


def u16(data, off):
    return struct.unpack_from("<H", data, off)[0]


def u32(data, off):
    return struct.unpack_from("<I", data, off)[0]


def parse_setup_header(data):
    """Return (header dict, payload bytes) or raise BadImage."""
    if len(data) < 0x250:
        if data[0x202:0x206] == HDR_MAGIC:
            raise BadImage("truncated bzImage: %d bytes, the setup header alone needs 592"
                           % len(data))
        raise BadImage("not a bzImage: %d bytes, too short for a Linux boot header" % len(data))
    if data[0x202:0x206] != HDR_MAGIC:
        raise BadImage('not a bzImage: no "HdrS" boot header signature at offset 0x202')
    if u16(data, 0x1FE) != BOOT_FLAG:
        raise BadImage("not a bzImage: boot flag at 0x1fe is 0x%04x, not 0xaa55" % u16(data, 0x1FE))
    version = u16(data, 0x206)
    if version < MIN_VERSION:
        raise BadImage("boot protocol %d.%02d is older than 2.08: no payload_offset field "
                       "(kernel before 2.6.26?)" % (version >> 8, version & 0xFF))
    setup_sects = u8(data, 0x1F1) or 4   # 0 means 4 in the boot protocol
    hdr = {
        "version": version,
        "setup_sects": setup_sects,
        "loadflags": u8(data, 0x211),
        "payload_offset": u32(data, 0x248),
        "payload_length": u32(data, 0x24C),
        "pm_start": (setup_sects + 1) * SECTOR,
    }
    if not hdr["loadflags"] & 1:
        raise BadImage("not a bzImage: loadflags bit 0 (LOADED_HIGH) is clear, a zImage?")
    start = hdr["pm_start"] + hdr["payload_offset"]
    end = start + hdr["payload_length"]
    if hdr["pm_start"] > len(data):
        raise BadImage("truncated bzImage: setup_sects=%d puts the kernel at %d, past the "
                       "end of the %d-byte file" % (setup_sects, hdr["pm_start"], len(data)))
    if hdr["payload_length"] < 8:
        raise BadImage("payload_length is %d: no compressed kernel in this bzImage"
                       % hdr["payload_length"])
    if end > len(data):
        raise BadImage("truncated bzImage: the payload spans bytes %d-%d but the file has %d"
                       % (start, end, len(data)))
    hdr["payload_start"] = start
    return hdr, data[start:end]


# ---- payload formats -----------------------------------------------------------

def detect(payload):
    """Name of the payload's compression, from its magic bytes."""
    if payload[:2] == b"\x1f\x8b":
        return "gzip"
    if payload[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if payload[:3] == b"BZh":
        return "bzip2"
    if payload[:4] == struct.pack("<I", LZ4_LEGACY_MAGIC):
        return "lz4"
    if payload[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if payload[:4] == b"\x89LZO":
        return "lzo"
    if payload[:3] == b"\x5d\x00\x00":
        return "lzma"
    raise BadImage("unknown compression: payload starts with %s (known: gzip, xz, lzma, "
                   "bzip2, lz4, zstd)" % payload[:6].hex(" "))


def stream_decompress(obj, payload, name):
    """Run a stdlib decompressor object; return (output, bytes left over)."""
    try:
        out = obj.decompress(payload, MAX_OUTPUT)
    except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as err:
        raise BadImage("corrupt %s payload: %s" % (name, err)) from None
    if not obj.eof:
        raise BadImage("truncated %s payload: the stream ends before its end marker" % name)
    return out, obj.unused_data


def decompress_gzip(payload):
    # The gzip trailer's ISIZE doubles as the appended size: nothing is left.
    return stream_decompress(zlib.decompressobj(16 + zlib.MAX_WBITS), payload, "gzip")


def decompress_xz(payload):
    return stream_decompress(lzma.LZMADecompressor(lzma.FORMAT_XZ), payload, "xz")


def decompress_lzma(payload):
    return stream_decompress(lzma.LZMADecompressor(lzma.FORMAT_ALONE), payload, "lzma")


def decompress_bzip2(payload):
    return stream_decompress(bz2.BZ2Decompressor(), payload, "bzip2")


def lz4_block(src, out, limit):
    """Decode one raw LZ4 block from src, appending to out (a bytearray)."""
    i = 0
    n = len(src)
    start = len(out)

    def length(base):
        nonlocal i
        if base != 15:
            return base
        while True:
            if i >= n:
                raise BadImage("corrupt lz4 payload: a length runs past the end of its block")
            b = src[i]
            i += 1
            base += b
            if b != 255:
                return base

    while True:
        if i >= n:
            raise BadImage("corrupt lz4 payload: a block ends without its last literals")
        token = src[i]
        i += 1
        lit = length(token >> 4)
        if i + lit > n:
            raise BadImage("corrupt lz4 payload: literals run past the end of their block")
        out += src[i:i + lit]
        i += lit
        if i == n:          # the last sequence has literals only
            break
        if i + 2 > n:
            raise BadImage("corrupt lz4 payload: a match offset is cut off")
        offset = src[i] | src[i + 1] << 8
        i += 2
        if offset == 0 or offset > len(out):
            raise BadImage("corrupt lz4 payload: match offset %d reaches before the output "
                           "start" % offset)
        mlen = length(token & 15) + 4
        if len(out) - start + mlen > limit:
            raise BadImage("corrupt lz4 payload: a block decodes to more than %d bytes" % limit)
        pos = len(out) - offset
        if offset >= mlen:
            out += out[pos:pos + mlen]
        else:
            # Overlapping copy: the pattern of `offset` bytes repeats.
            chunk = out[pos:]
            reps, rest = divmod(mlen, offset)
            out += chunk * reps + chunk[:rest]
        if len(out) - start > limit:
            raise BadImage("corrupt lz4 payload: a block decodes to more than %d bytes" % limit)


def decompress_lz4(payload):
    """LZ4 legacy frames: magic, then blocks of <le32 size><raw block>.

    The magic may repeat between blocks (concatenated frames).  The build's
    appended size follows the last block and is returned as left over."""
    out = bytearray()
    pos = 4
    n = len(payload)
    while pos < n:
        if n - pos < 4:
            raise BadImage("truncated lz4 payload: %d stray bytes after the last block" % (n - pos))
        size = u32(payload, pos)
        if size == LZ4_LEGACY_MAGIC:
            pos += 4
            continue
        if pos + 4 + size > n:
            if n - pos == 4:    # the appended uncompressed size
                break
            raise BadImage("truncated lz4 payload: a block of %d bytes at payload offset %d "
                           "runs past the end" % (size, pos))
        if size == 0:
            raise BadImage("corrupt lz4 payload: empty block at payload offset %d" % pos)
        lz4_block(payload[pos + 4:pos + 4 + size], out, LZ4_LEGACY_BLOCK)
        pos += 4 + size
        if len(out) > MAX_OUTPUT:
            raise BadImage("lz4 payload decodes to more than %d bytes" % MAX_OUTPUT)
    if not out:
        raise BadImage("truncated lz4 payload: no block after the magic")
    return bytes(out), payload[pos:]


def decompress_zstd(payload):
    """zstd: the frame is the payload minus the appended size."""
    frame = payload[:-4]
    try:
        import zstandard  # python3-zstandard, when installed
    except ImportError:
        zstandard = None
    if zstandard is not None:
        try:
            obj = zstandard.ZstdDecompressor().decompressobj()
            out = obj.decompress(frame)
        except zstandard.ZstdError as err:
            raise BadImage("corrupt zstd payload: %s" % err) from None
        if not obj.eof:
            raise BadImage("truncated zstd payload: the frame ends early")
        return out, payload[-4:]
    prog = os.environ.get("ZSTD", "zstd")
    if shutil.which(prog) is None:
        raise BadImage("zstd payload, but neither the python3-zstandard module nor the zstd "
                       "program (%s) is available: apt-get install zstd" % prog)
    # The kernel's zstd window can exceed the program's default memory limit.
    res = subprocess.run([prog, "-d", "-c", "-q", "--memory=2048MB"], input=frame,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if res.returncode != 0:
        why = res.stderr.decode(errors="replace").strip().splitlines()
        raise BadImage("corrupt or truncated zstd payload: %s" % (why[-1] if why else
                                                                  "zstd exited %d" % res.returncode))
    return res.stdout, payload[-4:]


DECOMPRESSORS = {
    "gzip": decompress_gzip, "xz": decompress_xz, "lzma": decompress_lzma,
    "bzip2": decompress_bzip2, "lz4": decompress_lz4, "zstd": decompress_zstd,
}


def decompress(payload):
    """Return (method, decompressed bytes), checked against the appended size."""
    method = detect(payload)
    if method == "lzo":
        raise BadImage("LZO-compressed kernel: not supported (build it with CONFIG_KERNEL_GZIP, "
                       "_XZ, _LZMA, _BZIP2, _LZ4 or _ZSTD)")
    out, rest = DECOMPRESSORS[method](payload)
    want = u32(payload, len(payload) - 4)
    if len(rest) > 4 and any(rest[:-4]):
        raise BadImage("%d unexpected bytes after the %s stream" % (len(rest) - 4, method))
    if len(out) != want:
        raise BadImage("%s payload decompressed to %d bytes, but the bzImage says %d: "
                       "corrupt or truncated" % (method, len(out), want))
    return method, out


# ---- ELF ---------------------------------------------------------------------

def parse_elf(data):
    """Check the ELF and return a description of its layout and Xen notes."""
    if data[:4] != b"\x7fELF":
        raise BadImage("the payload is not an ELF kernel (starts with %s)" % data[:4].hex(" "))
    if len(data) < 52:
        raise BadImage("truncated ELF header")
    cls, enc = data[4], data[5]
    if enc != 1:
        raise BadImage("ELF is not little-endian")
    if cls == 2:
        if len(data) < 64:
            raise BadImage("truncated ELF header")
        (etype, machine, _, entry, phoff, shoff, _, _, phentsize, phnum, shentsize,
         shnum, _) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
        phfmt, phsize = "<IIQQQQQQ", 56
    elif cls == 1:
        (etype, machine, _, entry, phoff, shoff, _, _, phentsize, phnum, shentsize,
         shnum, _) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
        phfmt, phsize = "<IIIIIIII", 32
    else:
        raise BadImage("unknown ELF class %d" % cls)
    if etype != 2:
        raise BadImage("ELF type %d is not an executable (ET_EXEC)" % etype)
    if phentsize != phsize or phnum == 0:
        raise BadImage("ELF has no usable program headers (phentsize %d, phnum %d)"
                       % (phentsize, phnum))
    if phoff + phnum * phsize > len(data):
        raise BadImage("truncated ELF: program headers past the end of the data")
    elf = {"class": 64 if cls == 2 else 32, "machine": machine, "entry": entry,
           "loads": [], "notes": {}, "size": phoff + phnum * phsize}
    if shnum and shoff + shnum * shentsize <= len(data):
        elf["size"] = max(elf["size"], shoff + shnum * shentsize)
    for k in range(phnum):
        fields = struct.unpack_from(phfmt, data, phoff + k * phsize)
        if cls == 2:
            ptype, _, off, vaddr, paddr, filesz, memsz, _ = fields
        else:
            ptype, off, vaddr, paddr, filesz, memsz, _, _ = fields
        if off + filesz > len(data):
            raise BadImage("truncated ELF: segment %d (bytes %d-%d) past the end of the %d-byte "
                           "kernel" % (k, off, off + filesz, len(data)))
        elf["size"] = max(elf["size"], off + filesz)
        if ptype == 1:
            elf["loads"].append((paddr, memsz, vaddr, filesz))
        elif ptype == 4:
            parse_notes(data[off:off + filesz], elf["notes"])
    if not elf["loads"]:
        raise BadImage("ELF has no PT_LOAD segment")
    return elf


def parse_notes(blob, notes):
    """Collect the Xen notes of one PT_NOTE segment into notes {type: desc}."""
    i = 0
    while i + 12 <= len(blob):
        namesz, descsz, ntype = struct.unpack_from("<III", blob, i)
        name_at = i + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        nxt = desc_at + ((descsz + 3) & ~3)
        if nxt > len(blob):
            raise BadImage("corrupt ELF note at note offset %d" % i)
        if blob[name_at:name_at + namesz].rstrip(b"\0") == XEN_NOTE_NAME:
            notes[ntype] = bytes(blob[desc_at:desc_at + descsz])
        i = nxt


def note_value(desc):
    if len(desc) in (1, 2, 4, 8):
        return int.from_bytes(desc, "little")
    return None


def check_pvh(elf):
    desc = elf["notes"].get(XEN_ELFNOTE_PHYS32_ENTRY)
    if desc is None:
        have = ", ".join(XEN_NOTE_NAMES.get(t, str(t)) for t in sorted(elf["notes"])) or "none"
        raise BadImage("this kernel cannot boot as a PVH guest: no Xen PHYS32_ENTRY note "
                       "(Xen notes present: %s); build it with CONFIG_PVH=y (and "
                       "CONFIG_XEN_PVH=y)" % have)
    entry = note_value(desc)
    if entry is None:
        raise BadImage("Xen PHYS32_ENTRY note has a %d-byte value" % len(desc))
    return entry


def describe(elf):
    lines = ["ELF%d, machine %d, entry 0x%x, %d bytes" % (elf["class"], elf["machine"],
                                                       elf["entry"], elf["size"])]
    for paddr, memsz, vaddr, filesz in elf["loads"]:
        lines.append("  PT_LOAD paddr 0x%08x-0x%08x (vaddr 0x%x, %d bytes in the file)"
                     % (paddr, paddr + memsz, vaddr, filesz))
    for ntype in sorted(elf["notes"]):
        desc = elf["notes"][ntype]
        name = XEN_NOTE_NAMES.get(ntype, "type %d" % ntype)
        if ntype in STRING_NOTES:
            shown = '"%s"' % desc.rstrip(b"\0").decode(errors="replace")
        else:
            val = note_value(desc)
            shown = "0x%x" % val if val is not None else desc.hex()
        lines.append("  Xen note %-14s %s" % (name, shown))
    return lines


# ---- driver ---------------------------------------------------------------------

def extract(data):
    """Return (ELF bytes, report lines) for a bzImage or an ELF kernel."""
    report = []
    if data[:4] == b"\x7fELF":
        report.append("input is already an ELF kernel")
        kernel = data
    else:
        hdr, payload = parse_setup_header(data)
        report.append("bzImage, boot protocol %d.%02d, setup_sects %d, payload at %d (%d bytes)"
                      % (hdr["version"] >> 8, hdr["version"] & 0xFF, hdr["setup_sects"],
                         hdr["payload_start"], hdr["payload_length"]))
        method, kernel = decompress(payload)
        report.append("%s payload, %d bytes decompressed" % (method, len(kernel)))
    elf = parse_elf(kernel)
    entry = check_pvh(elf)
    report += describe(elf)
    report.append("PVH entry (PHYS32_ENTRY) 0x%x" % entry)
    # Relocation data the decompressor needs follows the ELF; a PVH loader does not.
    return kernel[:elf["size"]], report


def main(argv=None):
    ap = argparse.ArgumentParser(description="Extract the PVH-bootable ELF from a bzImage.")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    ap.add_argument("--info", action="store_true", help="check and describe, write nothing")
    ap.add_argument("bzimage")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args(argv)
    if not args.info and not args.out:
        ap.error("an output file is needed (or --info)")
    try:
        with open(args.bzimage, "rb") as f:
            data = f.read()
    except OSError as err:
        print("bzimage2elf: %s" % err, file=sys.stderr)
        return 1
    try:
        kernel, report = extract(data)
    except BadImage as err:
        print("bzimage2elf: %s: %s" % (args.bzimage, err), file=sys.stderr)
        return 1
    if args.out:
        tmp = args.out + ".tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(kernel)
            os.replace(tmp, args.out)
        except OSError as err:
            print("bzimage2elf: %s" % err, file=sys.stderr)
            return 1
        report.append("wrote %s (%d bytes)" % (args.out, len(kernel)))
    if not args.quiet:
        for line in report:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
