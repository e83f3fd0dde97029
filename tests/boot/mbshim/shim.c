// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test shim: loads the ELF32 image given as multiboot module 0 and starts it
 * as a multiboot1 loader would, but with the memory map variant named by
 * "mmap=<variant>" on the shim's own command line:
 *   missing   no memory map at all (flag 6 clear)
 *   empty     flag 6 set, zero-length map
 *   wrap      an entry whose end lies beyond 2^64
 *   nousable  only reserved memory
 *   overlap   a reserved hole overlapping usable RAM (a warning, boot goes on)
 * The module's own string (after the image path) becomes Xenolith's command line.
 */
#include <stdint.h>

#define MB1_MAGIC        0x2BADB002U
#define MB1_FLAG_CMDLINE (1U << 2)
#define MB1_FLAG_MODS    (1U << 3)
#define MB1_FLAG_MMAP    (1U << 6)
#define MB1_FLAG_LOADER  (1U << 9)
#define COM1             0x3F8

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb1_module {
    uint32_t start, end, string, reserved;
} __attribute__((packed));

struct mb1_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

struct elf32_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static struct mb1_info info;
static struct mb1_mmap map[8];
static char cmdline[512];
static const char loader_name[] = "mbshim (Xenolith boot test)";

void shim_main(uint32_t magic, const struct mb1_info *mbi);
/* The compiler may emit calls to these even in freestanding code. */
void *memcpy(void *dst, const void *src, uint32_t n);
void *memset(void *dst, int c, uint32_t n);
uint32_t strlen(const char *s);

void *memcpy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, uint32_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

uint32_t strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void say(const char *s)
{
    for (; *s; s++) {
        while ((inb(COM1 + 5) & 0x20) == 0)
            ;
        outb(COM1, (uint8_t)*s);
    }
}

static void fail(const char *why)
{
    say("mbshim: ");
    say(why);
    say("\r\n");
    outb(0xF4, 0x11);   /* isa-debug-exit: failure */
    for (;;)
        __asm__ volatile("hlt");
}

static int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

static const char *find_option(const char *text, const char *name)
{
    for (const char *s = text; *s; s++)
        if ((s == text || s[-1] == ' ') && starts_with(s, name))
            return s + strlen(name);
    return 0;
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    while (n--)
        *dst++ = *src++;
}

static void zero_bytes(uint8_t *dst, uint32_t n)
{
    while (n--)
        *dst++ = 0;
}

static uint32_t load_elf(const struct mb1_module *mod)
{
    const uint8_t *image = (const uint8_t *)mod->start;
    const struct elf32_header *eh = (const void *)image;

    if (eh->ident[0] != 0x7F || eh->ident[1] != 'E' || eh->ident[4] != 1)
        fail("module 0 is not an ELF32 image");
    for (uint32_t i = 0; i < eh->phnum; i++) {
        const struct elf32_phdr *ph = (const void *)(image + eh->phoff + i * eh->phentsize);
        if (ph->type != 1)
            continue;
        copy_bytes((uint8_t *)ph->paddr, image + ph->offset, ph->filesz);
        zero_bytes((uint8_t *)(ph->paddr + ph->filesz), ph->memsz - ph->filesz);
    }
    return eh->entry;
}

static void add(uint32_t *n, uint64_t addr, uint64_t len, uint32_t type)
{
    map[*n] = (struct mb1_mmap){ 20, addr, len, type };
    (*n)++;
}

static uint32_t build_map(const char *variant)
{
    uint32_t n = 0;
    uint64_t ram_top = ((uint64_t)info.mem_upper + 1024) * 1024;

    if (starts_with(variant, "empty"))
        return 0;
    if (starts_with(variant, "wrap")) {
        add(&n, 0, 0x9F000, 1);
        add(&n, 0x100000, ram_top - 0x100000, 1);
        add(&n, 0xFFFFFFFFFFFFF000ULL, 0x2000, 2);
    } else if (starts_with(variant, "nousable")) {
        add(&n, 0, 0x9F000, 2);
        add(&n, 0x100000, ram_top - 0x100000, 2);
    } else if (starts_with(variant, "overlap")) {
        add(&n, 0, 0x9F000, 1);
        add(&n, 0x100000, ram_top - 0x100000, 1);
        add(&n, 0x4000000, 0x100000, 2);   /* a reserved MiB inside RAM */
    } else {
        fail("unknown mmap= variant");
    }
    return n;
}

void shim_main(uint32_t magic, const struct mb1_info *mbi)
{
    const struct mb1_module *mod;
    const char *variant, *args;
    uint32_t entry, n = 0, nmap;

    if (magic != MB1_MAGIC || !(mbi->flags & MB1_FLAG_MODS) || mbi->mods_count < 1)
        fail("boot me with -kernel mbshim.elf -initrd 'xenolith.elf <options>'");
    mod = (const struct mb1_module *)mbi->mods_addr;
    variant = (mbi->flags & MB1_FLAG_CMDLINE) ? find_option((const char *)mbi->cmdline, "mmap=") : 0;
    if (variant == 0)
        fail("no mmap=<variant> on the shim's command line");
    info = *mbi;
    args = (const char *)mod->string;
    while (args && *args && n < sizeof(cmdline) - 1)
        cmdline[n++] = *args++;
    cmdline[n] = '\0';
    say("mbshim: starting Xenolith with memory map variant ");
    say(variant);
    say("\r\n");
    entry = load_elf(mod);
    info.flags = MB1_FLAG_CMDLINE | MB1_FLAG_LOADER;
    info.cmdline = (uint32_t)cmdline;
    info.boot_loader_name = (uint32_t)loader_name;
    info.mods_count = 0;
    if (!starts_with(variant, "missing")) {
        nmap = build_map(variant);
        info.flags |= MB1_FLAG_MMAP;
        info.mmap_addr = (uint32_t)map;
        info.mmap_length = nmap * (uint32_t)sizeof(struct mb1_mmap);
    }
    __asm__ volatile("jmp *%2" : : "a"(MB1_MAGIC), "b"(&info), "r"(entry) : "memory");
    __builtin_unreachable();
}
