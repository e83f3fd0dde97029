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
