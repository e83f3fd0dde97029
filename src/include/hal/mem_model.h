/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ghost model of machine memory (hal/mem.h explains it): every machine
 * frame as 512 table words and as 4096 bytes.  Apart from hal/mem.h so that
 * contracts that only name the model (hv/p2m.h: the p2m writes table words)
 * need not declare the HAL calls too.
 */
#ifndef HAL_MEM_MODEL_H
#define HAL_MEM_MODEL_H

#include "hal/hal.h"
#include "hv/types.h"

#define HAL_MEM_WORDS (HAL_MODEL_FRAMES * 512ULL)
#define HAL_MEM_BYTES (HAL_MODEL_FRAMES * 4096ULL)
/*@ ghost extern uint64_t hal_mem_words[HAL_MEM_WORDS]; */
/*@ ghost extern uint8_t hal_mem_bytes[HAL_MEM_BYTES]; */

#endif /* HAL_MEM_MODEL_H */
