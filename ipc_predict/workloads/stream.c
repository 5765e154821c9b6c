/* stream: STREAM-like bandwidth kernels over three 4 MB double arrays (streaming, memory-bound).
 *
 * Phases: copy c=a, scale b=s*c, add c=a+b, triad a=b+s*c; each once.
 * Arrays (12 MB in all) are far larger than the last-level cache. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define N (1 << 19)
#define REPEAT EDAFLOW_REPEAT

static double a[N], b[N], c[N];

int main(void) {
    for (long i = 0; i < N; i++) {
        a[i] = 1.0;
        b[i] = 2.0;
        c[i] = 0.0;
    }
    roi_begin();
    const double s = 3.0;
    for (int r = 0; r < REPEAT; r++) {
        for (long i = 0; i < N; i++) c[i] = a[i];
        for (long i = 0; i < N; i++) b[i] = s * c[i];
        for (long i = 0; i < N; i++) c[i] = a[i] + b[i];
        for (long i = 0; i < N; i++) a[i] = b[i] + s * c[i];
    }
    double sa = 0.0, sb = 0.0, sc = 0.0;
    for (long i = 0; i < N; i += 64) {
        sa += a[i];
        sb += b[i];
        sc += c[i];
    }
    printf("stream checksum %.3f %.3f %.3f\n", sa, sb, sc);
    return 0;
}
