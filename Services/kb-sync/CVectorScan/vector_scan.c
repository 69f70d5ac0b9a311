#include "vector_scan.h"

void vector_scan_accumulate(float *restrict scores, const int8_t *restrict column, float weight, size_t count) {
    for (size_t row = 0; row < count; row++) scores[row] += weight * (float)column[row];
}

static void swap(uint32_t *rows, float *similarities, size_t a, size_t b) {
    float similarity = similarities[a];
    uint32_t row = rows[a];
    similarities[a] = similarities[b];
    rows[a] = rows[b];
    similarities[b] = similarity;
    rows[b] = row;
}

/// A min-heap of the best so far: its root is the one the next better row replaces.
static void sift_down(uint32_t *rows, float *similarities, size_t size, size_t at) {
    for (;;) {
        size_t smallest = at, left = 2 * at + 1, right = left + 1;
        if (left < size && similarities[left] < similarities[smallest]) smallest = left;
        if (right < size && similarities[right] < similarities[smallest]) smallest = right;
        if (smallest == at) return;
        swap(rows, similarities, at, smallest);
        at = smallest;
    }
}

size_t vector_scan_best(const float *scores, const float *scales, const uint8_t *live, size_t count, size_t wanted,
                        uint32_t *rows, float *similarities) {
    if (wanted == 0) return 0;
    size_t size = 0;
    for (size_t row = 0; row < count; row++) {
        if (!live[row]) continue;
        float similarity = scores[row] * scales[row];
        if (size < wanted) {
            size_t at = size++;
            rows[at] = (uint32_t)row;
            similarities[at] = similarity;
            while (at > 0 && similarities[(at - 1) / 2] > similarities[at]) {
                swap(rows, similarities, at, (at - 1) / 2);
                at = (at - 1) / 2;
            }
        } else if (similarity > similarities[0]) {
            rows[0] = (uint32_t)row;
            similarities[0] = similarity;
            sift_down(rows, similarities, size, 0);
        }
    }
    // Heap sort, the worst to the end each time: best first.
    for (size_t end = size; end > 1; end--) {
        swap(rows, similarities, 0, end - 1);
        sift_down(rows, similarities, end - 1, 0);
    }
    return size;
}
