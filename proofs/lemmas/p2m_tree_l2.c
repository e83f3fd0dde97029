// SPDX-License-Identifier: GPL-2.0-only
/*
 * A proof unit that holds no code: WP proves the lemmas of
 * spec/p2m_tree_l2_lemmas.acsl here (the level-2 slot: 2 MiB changes), over
 * spec/p2m_tree.acsl, the level-1 lemmas of spec/p2m_tree_lemmas.acsl and
 * the hardware view of hv/p2m.h.  Never compiled; proofs/files.list names it.
 */
#include "hv/p2m.h"

#include "../../spec/p2m_tree.acsl"
#include "../../spec/p2m_tree_lemmas.acsl"
#include "../../spec/p2m_tree_l2_lemmas.acsl"
