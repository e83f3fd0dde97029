// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lexical half of the xl.cfg parser (hv/xlcfg_lex.h): bytes to keys,
 * operators and values.  Strings are decoded with xl's backslash escapes;
 * numbers are kept as text (xl's [0-9][0-9a-fx]* token) and converted only
 * when a key wants one; lists are walked with a depth counter, not recursion.
 * xlcfg_detect (hv/xlcfg.h) is here too: it only needs the lexer.
 */
#include "hv/xlcfg_lex.h"

/* ---- characters ---------------------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result <==> 'a' <= c <= 'z'; */
static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/*@ assigns \nothing;
    ensures \result <==> '0' <= c <= '9'; */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*@ assigns \nothing; */
static bool is_key_char(char c)
{
    return is_lower(c) || is_digit(c) || c == '_';
}

/*@ assigns \nothing;
    ensures -1 <= \result < 16;
    ensures c == 0 ==> \result == -1; */
static int hex_digit(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool xlcfg_lex_is_text(char c)
{
    unsigned char u = (unsigned char)c;

    return u == '\t' || u == '\n' || u == '\r' || (u >= 0x20 && u != 0x7F);
}

/* ---- the lexer ------------------------------------------------------------------------- */

char xlcfg_lex_peek(const struct xlcfg_lexer *lx, size_t k)
{
    return lx->pos + k < lx->len ? lx->text[lx->pos + k] : '\0';
}

void xlcfg_lex_skip_blanks(struct xlcfg_lexer *lx)
{
    /*@ loop invariant \at(lx->pos, Pre) <= lx->pos <= lx->len;
        loop assigns lx->pos;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len) {
        char c = lx->text[lx->pos];
        if (c == '#') {
            /*@ loop invariant \at(lx->pos, Pre) <= lx->pos <= lx->len;
                loop assigns lx->pos;
                loop variant lx->len - lx->pos; */
            while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
                lx->pos++;
            return;
        }
        if (c != ' ' && c != '\t' && c != '\r')
            return;
        lx->pos++;
    }
}

void xlcfg_lex_skip_space(struct xlcfg_lexer *lx)
{
    /*@ loop invariant \at(lx->pos, Pre) <= lx->pos <= lx->len;
        loop assigns lx->pos, lx->line;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len) {
        xlcfg_lex_skip_blanks(lx);
        if (lx->pos >= lx->len || lx->text[lx->pos] != '\n')
            return;
        lx->line++;
        lx->pos++;
    }
}

void xlcfg_lex_skip_line(struct xlcfg_lexer *lx)
{
    /*@ loop invariant \at(lx->pos, Pre) <= lx->pos <= lx->len;
        loop assigns lx->pos;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
        lx->pos++;
}

size_t xlcfg_lex_ident(struct xlcfg_lexer *lx)
{
    size_t start = lx->pos;

    if (lx->pos >= lx->len || !is_lower(lx->text[lx->pos]))
        return 0;
    /*@ loop invariant start < lx->pos <= lx->len;
        loop assigns lx->pos;
        loop variant lx->len - lx->pos; */
    for (lx->pos++; lx->pos < lx->len && is_key_char(lx->text[lx->pos]); lx->pos++)
        ;
    return lx->pos - start;
}

/* ---- values ----------------------------------------------------------------------------- */

/*@ requires \valid(cfg) && xlcfg_inv(cfg);
    assigns cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_inv(cfg);
    ensures \result <==> \old(cfg->value_len) < XLCFG_VALUE_MAX - 1; */
static bool value_put(struct xlcfg *cfg, char c)
{
    if (cfg->value_len >= XLCFG_VALUE_MAX - 1)
        return false;
    cfg->value[cfg->value_len++] = c;
    return true;
}

/* The character a one-letter escape stands for (\n, \", ...), or 0. */
/*@ assigns \nothing; */
static char simple_escape(char e)
{
    switch (e) {
    case '"': case '\'': case '\\': return e;
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default: return '\0';
    }
}

/* \xHH after the x: exactly two hex digits; -1 when not. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos);
    ensures -1 <= \result <= 255; */
static int read_hex(struct xlcfg_lexer *lx)
{
    int hi = hex_digit(xlcfg_lex_peek(lx, 0)), lo = hex_digit(xlcfg_lex_peek(lx, 1));

    if (hi < 0 || lo < 0)
        return -1;
    lx->pos += 2;
    return hi * 16 + lo;
}

/* \ooo: the first digit (read already) and up to two more. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && '0' <= first <= '7';
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos);
    ensures 0 <= \result <= 511; */
static int read_octal(struct xlcfg_lexer *lx, char first)
{
    int v = first - '0';

    /*@ loop invariant 0 <= n <= 2 && 0 <= v <= 511 && xlcfg_lex_ok(lx);
        loop invariant lx->pos >= \at(lx->pos, Pre);
        loop assigns n, v, lx->pos;
        loop variant 2 - n; */
    for (unsigned n = 0; n < 2 && v < 64; n++) {
        char c = xlcfg_lex_peek(lx, 0);
        if (c < '0' || c > '7')
            break;
        v = v * 8 + (c - '0');
        lx->pos++;
    }
    return v;
}

/* After a backslash: one escape, decoded.  0 or the error. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(lx, cfg) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos >= \old(lx->pos); */
static enum xlcfg_diag_kind read_escape(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    char e = xlcfg_lex_peek(lx, 0), simple = simple_escape(e);
    int v;

    if (e == '\0' || e == '\n')
        return XLCFG_ERR_UNTERMINATED;
    lx->pos++;
    if (simple != '\0')
        return value_put(cfg, simple) ? XLCFG_DIAG_NONE : XLCFG_ERR_TOO_LONG;
    if (e == 'x')
        v = read_hex(lx);
    else if (e >= '0' && e <= '7')
        v = read_octal(lx, e);
    else
        return XLCFG_ERR_BAD_ESCAPE;
    /* A NUL would cut the string short; more than a byte is no character. */
    if (v <= 0 || v > 255)
        return XLCFG_ERR_BAD_ESCAPE;
    return value_put(cfg, (char)(unsigned char)v) ? XLCFG_DIAG_NONE : XLCFG_ERR_TOO_LONG;
}

/* A quoted string at the current byte (a quote), decoded into cfg->value. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && lx->pos < lx->len && \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(lx, cfg) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos > \old(lx->pos); */
static enum xlcfg_diag_kind read_string(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    char quote = lx->text[lx->pos];
    enum xlcfg_diag_kind k;

    lx->pos++;
    /*@ loop invariant \at(lx->pos, Pre) < lx->pos <= lx->len && xlcfg_inv(cfg);
        loop assigns lx->pos, k, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len) {
        char c = lx->text[lx->pos];
        if (c == '\n')
            break;
        lx->pos++;
        if (c == quote)
            return XLCFG_DIAG_NONE;
        if (c == '\0')
            return XLCFG_ERR_NUL;       /* it would cut the string short */
        k = c == '\\' ? read_escape(lx, cfg)
                      : value_put(cfg, c) ? XLCFG_DIAG_NONE : XLCFG_ERR_TOO_LONG;
        if (k != XLCFG_DIAG_NONE)
            return k;
    }
    return XLCFG_ERR_UNTERMINATED;
}

/* xl's number token: [0-9][0-9a-fx]*. */
/*@ assigns \nothing; */
static bool is_number_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || c == 'x';
}

/* A number at the current digit, copied as text (converted only when a key wants one). */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && lx->pos < lx->len && \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(lx, cfg) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos > \old(lx->pos); */
static enum xlcfg_diag_kind read_number(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    bool fits = value_put(cfg, lx->text[lx->pos]);

    lx->pos++;
    /*@ loop invariant \at(lx->pos, Pre) < lx->pos <= lx->len && xlcfg_inv(cfg);
        loop assigns lx->pos, fits, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len && is_number_char(lx->text[lx->pos])) {
        fits = value_put(cfg, lx->text[lx->pos]) && fits;
        lx->pos++;
    }
    return fits ? XLCFG_DIAG_NONE : XLCFG_ERR_TOO_LONG;
}

/* One string or number into cfg->value (for lists: checked, then dropped). */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(cfg) && xlcfg_inv(cfg) && \valid(kind);
    requires \separated(lx, cfg, kind) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    requires \separated(kind, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, *kind, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos >= \old(lx->pos);
    ensures \result == XLCFG_DIAG_NONE ==> lx->pos > \old(lx->pos); */
static enum xlcfg_diag_kind read_atom(struct xlcfg_lexer *lx, struct xlcfg *cfg, enum xlcfg_vkind *kind)
{
    char c = xlcfg_lex_peek(lx, 0);

    cfg->value_len = 0;
    if (c == '"' || c == '\'') {
        *kind = XLCFG_V_STRING;
        return read_string(lx, cfg);
    }
    if (is_digit(c)) {
        *kind = XLCFG_V_NUMBER;
        return read_number(lx, cfg);
    }
    return is_lower(c) || (c >= 'A' && c <= 'Z') || c == '_' ? XLCFG_ERR_BARE_WORD
                                                              : XLCFG_ERR_SYNTAX;
}

/* A list at '[': values and nested lists, separated by commas, checked. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(lx, cfg) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, lx->line, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos >= \old(lx->pos); */
static enum xlcfg_diag_kind read_list(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    unsigned depth = 0;
    bool want_value = true;   /* after '[' or ',' */
    enum xlcfg_vkind kind;
    enum xlcfg_diag_kind k;

    /*@ loop invariant \at(lx->pos, Pre) <= lx->pos <= lx->len && xlcfg_inv(cfg);
        loop invariant depth <= XLCFG_NEST_MAX;
        loop assigns lx->pos, lx->line, depth, want_value, kind, k,
                     cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
        loop variant lx->len - lx->pos; */
    while (lx->pos < lx->len) {
        char c = lx->text[lx->pos];
        if (c == '[' || c == ']' || c == ',') {
            if ((c == '[') != want_value && c != ']')
                return XLCFG_ERR_SYNTAX;
            if (c == '[' && depth == XLCFG_NEST_MAX)
                return XLCFG_ERR_NESTING;
            if (c == ']' && depth == 0)
                return XLCFG_ERR_SYNTAX;
            depth = c == '[' ? depth + 1 : c == ']' ? depth - 1 : depth;
            want_value = c != ']';
            lx->pos++;
            if (depth == 0)
                return XLCFG_DIAG_NONE;
        } else {
            if (!want_value)
                return XLCFG_ERR_SYNTAX;
            k = read_atom(lx, cfg, &kind);
            if (k != XLCFG_DIAG_NONE)
                return k;
            want_value = false;
        }
        xlcfg_lex_skip_space(lx);
    }
    return XLCFG_ERR_UNCLOSED_LIST;
}

enum xlcfg_diag_kind xlcfg_lex_value(struct xlcfg_lexer *lx, struct xlcfg *cfg, enum xlcfg_vkind *kind)
{
    if (xlcfg_lex_peek(lx, 0) == '[') {
        *kind = XLCFG_V_LIST;
        return read_list(lx, cfg);
    }
    return read_atom(lx, cfg, kind);
}

enum xlcfg_diag_kind xlcfg_lex_operator(struct xlcfg_lexer *lx, bool *append)
{
    xlcfg_lex_skip_blanks(lx);
    *append = xlcfg_lex_peek(lx, 0) == '+';
    if (*append && xlcfg_lex_peek(lx, 1) != '=')
        return XLCFG_ERR_SYNTAX;
    if (!*append && xlcfg_lex_peek(lx, 0) != '=')
        return XLCFG_ERR_SYNTAX;
    lx->pos += *append ? 2U : 1U;
    xlcfg_lex_skip_blanks(lx);
    return XLCFG_DIAG_NONE;
}

enum xlcfg_diag_kind xlcfg_lex_end(struct xlcfg_lexer *lx)
{
    char c;

    xlcfg_lex_skip_blanks(lx);
    c = xlcfg_lex_peek(lx, 0);
    return c == '\0' || c == '\n' || c == ';' ? XLCFG_DIAG_NONE : XLCFG_ERR_SYNTAX;
}


bool xlcfg_lex_number(const struct xlcfg *cfg, uint64_t *out)
{
    const char *s = cfg->value;
    size_t n = cfg->value_len, i = 0;
    unsigned base = 10;
    uint64_t v = 0;

    if (n == 0)
        return false;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2, base = 16;
    else if (s[0] == '0')
        base = 8;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, v;
        loop variant n - i; */
    for (; i < n; i++) {
        int d = hex_digit(s[i]);
        if (d < 0 || (unsigned)d >= base)
            return false;
        v = v > (UINT64_MAX - (unsigned)d) / base ? UINT64_MAX : v * base + (unsigned)d;
    }
    *out = v;
    return true;
}

bool xlcfg_detect(const char *text, size_t len)
{
    struct xlcfg_lexer lx = { .text = text, .len = len, .pos = 0, .line = 1 };

    if (len == 0 || len > XLCFG_TEXT_MAX)
        return false;
    /*@ loop invariant 0 <= i <= len;
        loop assigns i;
        loop variant len - i; */
    for (size_t i = 0; i < len; i++)
        if (!xlcfg_lex_is_text(text[i]))
            return false;
    /*@ loop invariant xlcfg_lex_ok(&lx);
        loop assigns lx.pos, lx.line;
        loop variant lx.len - lx.pos; */
    while (lx.pos < lx.len) {
        xlcfg_lex_skip_space(&lx);
        if (xlcfg_lex_peek(&lx, 0) != ';')
            break;
        lx.pos++;
    }
    if (xlcfg_lex_ident(&lx) == 0)
        return false;
    xlcfg_lex_skip_blanks(&lx);
    return xlcfg_lex_peek(&lx, 0) == '=' || (xlcfg_lex_peek(&lx, 0) == '+' && xlcfg_lex_peek(&lx, 1) == '=');
}
