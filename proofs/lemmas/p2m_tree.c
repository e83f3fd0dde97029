// SPDX-License-Identifier: GPL-2.0-only
/*
 * A proof unit that holds no code: WP proves the lemmas of
 * spec/p2m_tree_lemmas.acsl here, over the definitions of
 * spec/p2m_tree.acsl and the hardware view of hv/p2m.h.  Never compiled
 * (the Makefile builds src/ only); proofs/files.list names it.  p2m.c
 * includes the same two files and proves its mutations against the tree
 * with them (docs/P2M.md, "The tree"); here they are proved on their own.
 */
#include "hv/p2m.h"

#include "../../spec/p2m_tree.acsl"
#include "../../spec/p2m_tree_lemmas.acsl"
