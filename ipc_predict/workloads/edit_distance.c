/* edit_distance: dynamic programming (compute with regular memory and loop-carried dependences).
 *
 * Phases: (1) Levenshtein distance of two 500-character strings over a 4-letter alphabet
 *         (row-by-row, min of three with data-dependent branches);
 *         (2) 0/1 knapsack with 40 items and capacity 8000 (one-row table, backwards sweep).
 * Strings, weights and values from a seeded xorshift generator. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define LEN 500
#define ITEMS 40
#define CAPACITY 8000

static char s[LEN], t[LEN];
static uint32_t prev[LEN + 1], cur[LEN + 1];
static uint32_t weight[ITEMS], value[ITEMS];
static uint64_t best[CAPACITY + 1];

int main(void) {
    for (int i = 0; i < LEN; i++) {
        s[i] = "ACGT"[rng() & 3];
        t[i] = (rng() % 5 == 0) ? "ACGT"[rng() & 3] : s[i]; /* related strings */
    }
    for (int i = 0; i < ITEMS; i++) {
        weight[i] = 50 + (uint32_t)(rng() % 950);
        value[i] = 10 + (uint32_t)(rng() % 990);
    }
    roi_begin();

    for (int j = 0; j <= LEN; j++) prev[j] = (uint32_t)j;
    for (int i = 1; i <= LEN; i++) {
        cur[0] = (uint32_t)i;
        for (int j = 1; j <= LEN; j++) {
            uint32_t best_edit = prev[j - 1] + (s[i - 1] != t[j - 1]);
            uint32_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            if (del < best_edit) best_edit = del;
            if (ins < best_edit) best_edit = ins;
            cur[j] = best_edit;
        }
        for (int j = 0; j <= LEN; j++) prev[j] = cur[j];
    }
    uint32_t distance = prev[LEN];

    for (int i = 0; i < ITEMS; i++)
        for (int c = CAPACITY; c >= (int)weight[i]; c--) {
            uint64_t take = best[c - weight[i]] + value[i];
            if (take > best[c]) best[c] = take;
        }
    printf("edit_distance checksum %u %llu\n", distance, (unsigned long long)best[CAPACITY]);
    return 0;
}
