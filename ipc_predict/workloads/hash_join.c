/* hash_join: an equi-join of two relations through an open-addressing hash table (random access).
 *
 * Phases: (1) build: insert 128 k tuples of R into a 256 k-slot table (4 MB);
 *         (2) probe: look up 128 k tuples of S (about a quarter match) and aggregate payloads;
 *         (3) a sequential scan of the table counting occupied slots.
 * Keys from a seeded xorshift generator. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define R_TUPLES (128 * 1024)
#define S_TUPLES (128 * 1024)
#define SLOTS (256 * 1024)

struct slot {
    uint64_t key; /* 0 = empty */
    uint64_t payload;
};

static struct slot table[SLOTS];
static uint64_t r_keys[R_TUPLES];

static inline uint32_t hash(uint64_t key) { return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 46); }

int main(void) {
    for (int i = 0; i < R_TUPLES; i++) r_keys[i] = (rng() % (4ull * R_TUPLES)) + 1;
    roi_begin();

    for (int i = 0; i < R_TUPLES; i++) {
        uint64_t key = r_keys[i];
        uint32_t h = hash(key) & (SLOTS - 1);
        while (table[h].key && table[h].key != key) h = (h + 1) & (SLOTS - 1);
        table[h].key = key;
        table[h].payload += (uint64_t)i;
    }

    uint64_t matches = 0, aggregate = 0;
    for (int i = 0; i < S_TUPLES; i++) {
        uint64_t key = (rng() % (4ull * R_TUPLES)) + 1;
        uint32_t h = hash(key) & (SLOTS - 1);
        while (table[h].key) {
            if (table[h].key == key) {
                matches++;
                aggregate += table[h].payload ^ key;
                break;
            }
            h = (h + 1) & (SLOTS - 1);
        }
    }

    uint64_t occupied = 0;
    for (int i = 0; i < SLOTS; i++) occupied += table[i].key != 0;
    printf("hash_join checksum %llu %llu %016llx\n", (unsigned long long)occupied, (unsigned long long)matches,
           (unsigned long long)aggregate);
    return 0;
}
