// SPDX-License-Identifier: GPL-2.0-only
/*
 * A proof unit that holds no code: WP proves the lemmas of the axiomatic
 * blocks of spec/p2m_tree.acsl (P2mTree: the tree and its walks; P2mLinkUp:
 * linking a fresh table at level 3 or 4), over the hardware view of hv/p2m.h.
 * Never compiled (the Makefile builds src/ only); proofs/files.list names
 * it.  p2m.c includes the same file and proves its mutations against the
 * tree with it (docs/P2M.md, "The tree"); here the lemmas are proved alone.
 */
#include "hv/p2m.h"

#include "../../spec/p2m_tree.acsl"
