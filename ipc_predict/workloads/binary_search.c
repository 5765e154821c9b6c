/* binary_search: lookups in a large sorted array (data-dependent branches and cache misses).
 *
 * Phases: (1) 20 k lookups with a branchy binary search (taken/not-taken is a coin flip);
 *         (2) the same lookups with a branch-free search (conditional moves), same answers.
 * The sorted array has 1 M 32-bit keys (4 MB), with gaps of 1 to 7 (cheap to generate). Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define N (1024 * 1024)
#define LOOKUPS 20000

static uint32_t keys[N];

/* Index of the first key >= target (N if none). */
__attribute__((noinline)) static long lower_bound_branchy(uint32_t target) {
    long lo = 0, hi = N;
    while (lo < hi) {
        long mid = (lo + hi) >> 1;
        if (keys[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

__attribute__((noinline)) static long lower_bound_branchless(uint32_t target) {
    const uint32_t *base = keys;
    long n = N;
    while (n > 1) {
        long half = n >> 1;
        base = base[half] < target ? base + half : base;
        n -= half;
    }
    return (base - keys) + (*base < target);
}

int main(void) {
    for (uint32_t i = 0; i < N; i++) keys[i] = 4 * i + ((i ^ (i >> 3)) & 3); /* increasing */
    uint32_t v = keys[N - 1] + 1;
    roi_begin();
    uint64_t seed = rng_state, s1 = 0, s2 = 0;
    for (int i = 0; i < LOOKUPS; i++) s1 += (uint64_t)lower_bound_branchy((uint32_t)(rng() % v));
    rng_state = seed;
    for (int i = 0; i < LOOKUPS; i++) s2 += (uint64_t)lower_bound_branchless((uint32_t)(rng() % v));
    printf("binary_search checksum %llu %llu\n", (unsigned long long)s1, (unsigned long long)s2);
    return s1 == s2 ? 0 : 1;
}
