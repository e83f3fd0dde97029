// SPDX-License-Identifier: GPL-2.0-only
/*
 * The few string and memory functions a freestanding guest needs.  The
 * compiler may emit calls to memset/memcpy on its own, so they must exist;
 * rep-string instructions keep it from turning these loops back into calls
 * to themselves.
 */
#include "guest.h"

void *memset(void *d, int c, size_t n)
{
    void *p = d;

    __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *p = d;

    __asm__ volatile("rep movsb" : "+D"(p), "+S"(s), "+c"(n) :: "memory");
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n-- > 0)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *pa = a, *pb = b;

    for (size_t i = 0; i < n; i++) {
        if (pa[i] != pb[i])
            return pa[i] < pb[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* Is `word` one of the space-separated words of s? */
bool str_has_word(const char *s, const char *word)
{
    size_t wl = strlen(word);

    while (*s != '\0') {
        while (*s == ' ')
            s++;
        size_t l = 0;
        while (s[l] != '\0' && s[l] != ' ')
            l++;
        if (l == wl && memcmp(s, word, l) == 0)
            return true;
        s += l;
    }
    return false;
}

/* Digits s[0 .. n-1] as a number: decimal, or hexadecimal after 0x. */
static bool str_parse_u64(const char *s, size_t n, uint64_t *val)
{
    unsigned int base = 10;
    uint64_t v = 0;

    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    }
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a') + 10U;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A') + 10U;
        else
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *val = v;
    return true;
}

/*
 * The number of the first space-separated word of s that starts with `key`
 * (e.g. "delay_ms="): decimal, or hexadecimal after 0x.  False when there is
 * no such word or its number is malformed or does not fit 64 bits.
 */
bool str_word_u64(const char *s, const char *key, uint64_t *val)
{
    size_t kl = strlen(key);

    while (*s != '\0') {
        while (*s == ' ')
            s++;
        size_t l = 0;
        while (s[l] != '\0' && s[l] != ' ')
            l++;
        if (l > kl && memcmp(s, key, kl) == 0)
            return str_parse_u64(s + kl, l - kl, val);
        s += l;
    }
    return false;
}
