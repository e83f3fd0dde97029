/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lexical half of the xl.cfg parser (hv/xlcfg.h), used only by
 * src/core/xlcfg.c: a cursor over (text, len) and the readers of keys,
 * operators and values.  Values are decoded into cfg->value (the parser's
 * scratch); lists are checked and dropped.  Every reader leaves the cursor
 * inside the text and never moves it backwards.
 */
#ifndef HV_XLCFG_LEX_H
#define HV_XLCFG_LEX_H

#include "hv/xlcfg.h"

struct xlcfg_lexer {
    const char *text;
    size_t len;
    size_t pos;        /* next byte to read */
    uint32_t line;     /* 1-based line of text[pos] */
};

/* What a value was. */
enum xlcfg_vkind { XLCFG_V_STRING, XLCFG_V_NUMBER, XLCFG_V_LIST };

/*@ predicate xlcfg_lex_ok(struct xlcfg_lexer *lx) =
      lx->pos <= lx->len && lx->len <= XLCFG_TEXT_MAX &&
      (lx->len == 0 || \valid_read(lx->text + (0 .. lx->len - 1)));
    predicate xlcfg_inv(struct xlcfg *c) =
      c->nr_diags <= XLCFG_DIAGS_MAX && c->vcpus <= XLCFG_VCPUS_MAX &&
      c->value_len < XLCFG_VALUE_MAX &&
      (\forall integer i; 0 <= i < XLCFG_NR_EVENTS ==> c->on[i] <= XLCFG_ACTION_MAX) &&
      (\forall integer i; 0 <= i < XLCFG_DIAGS_MAX ==> c->diags[i].key[XLCFG_KEY_MAX - 1] == 0);
*/

/* Bytes a description may hold: tabs, line ends, printable ASCII, UTF-8. */
/*@ assigns \nothing; */
bool xlcfg_lex_is_text(char c);

/* The byte k after the cursor, or 0 past the end. */
/*@ requires \valid_read(lx) && xlcfg_lex_ok(lx) && k <= 2;
    assigns \nothing;
    ensures lx->pos + k < lx->len ==> \result == lx->text[lx->pos + k];
    ensures lx->pos + k >= lx->len ==> \result == 0; */
char xlcfg_lex_peek(const struct xlcfg_lexer *lx, size_t k);

/* Blanks and a comment, not the line end. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos); */
void xlcfg_lex_skip_blanks(struct xlcfg_lexer *lx);

/* Blanks, comments and line ends. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos, lx->line;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos); */
void xlcfg_lex_skip_space(struct xlcfg_lexer *lx);

/* On to the line end (not consumed): error recovery. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos);
    ensures \old(lx->pos) < lx->len && lx->text[\old(lx->pos)] != '\n' ==>
            lx->pos > \old(lx->pos); */
void xlcfg_lex_skip_line(struct xlcfg_lexer *lx);

/* A key ([a-z][a-z0-9_]*) at the cursor: its length, consumed; 0 when none. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos == \old(lx->pos) + \result; */
size_t xlcfg_lex_ident(struct xlcfg_lexer *lx);

/* `=` or `+=` (then *append) with the blanks around it; else XLCFG_ERR_SYNTAX. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(append) && \separated(lx, append);
    assigns lx->pos, *append;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos); */
enum xlcfg_diag_kind xlcfg_lex_operator(struct xlcfg_lexer *lx, bool *append);

/* A value: a string or number decoded into cfg->value, or a list checked. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(cfg) && xlcfg_inv(cfg) && \valid(kind);
    requires \separated(lx, cfg, kind) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    requires \separated(kind, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, lx->line, *kind, cfg->value[0 .. XLCFG_VALUE_MAX - 1], cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos >= \old(lx->pos); */
enum xlcfg_diag_kind xlcfg_lex_value(struct xlcfg_lexer *lx, struct xlcfg *cfg,
                                     enum xlcfg_vkind *kind);

/* What may follow a value: blanks, a comment, then a line end, `;` or the end. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx);
    assigns lx->pos;
    ensures xlcfg_lex_ok(lx) && lx->pos >= \old(lx->pos); */
enum xlcfg_diag_kind xlcfg_lex_end(struct xlcfg_lexer *lx);

/* cfg->value as a number: decimal, 0 octal, 0x hex; saturates at UINT64_MAX. */
/*@ requires \valid_read(cfg) && xlcfg_inv(cfg) && \valid(out) && \separated(cfg, out);
    assigns *out; */
bool xlcfg_lex_number(const struct xlcfg *cfg, uint64_t *out);

#endif /* HV_XLCFG_LEX_H */
