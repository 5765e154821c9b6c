/* quicksort: sorting random integers (hard-to-predict compare branches, recursion).
 *
 * Phases: (1) recursive quicksort (median-of-three, Hoare partition) of 32 k random 32-bit keys,
 *         with insertion sort below 16 elements; (2) a verification pass and checksum.
 * Keys from a seeded xorshift generator. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define N (32 * 1024)

static uint32_t data[N];

static void insertion_sort(uint32_t *a, long n) {
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n) {
    while (n > 16) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = -1, j = n;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        /* Recurse into the smaller part, loop on the larger (bounded stack). */
        if (j + 1 < n - j - 1) {
            quicksort(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            quicksort(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion_sort(a, n);
}

int main(void) {
    for (long i = 0; i < N; i++) data[i] = (uint32_t)rng();
    roi_begin();
    quicksort(data, N);
    uint64_t sorted = 1, sum = 0;
    for (long i = 1; i < N; i++) {
        sorted &= data[i - 1] <= data[i];
        sum = sum * 1000003u + data[i];
    }
    printf("quicksort checksum %llu %016llx\n", (unsigned long long)sorted, (unsigned long long)sum);
    return 0;
}
