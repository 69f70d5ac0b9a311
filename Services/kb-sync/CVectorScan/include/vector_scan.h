#ifndef VECTOR_SCAN_H
#define VECTOR_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Adds `weight` times each of `count` 8-bit codes of one dimension to the rows' scores.
void vector_scan_accumulate(float *scores, const int8_t *column, float weight, size_t count);

/// The rows of the `wanted` highest `scores[row] * scales[row]` among those whose `live` byte is not 0, best
/// first, written to `rows` and `similarities`; answers how many were written.
size_t vector_scan_best(const float *scores, const float *scales, const uint8_t *live, size_t count, size_t wanted,
                        uint32_t *rows, float *similarities);

#endif
