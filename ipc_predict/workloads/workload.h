/* Shared by every edaflow workload: the seeded input generator and the region-of-interest marker. */
#ifndef EDAFLOW_WORKLOAD_H
#define EDAFLOW_WORKLOAD_H
#include <stdint.h>

/* xorshift64* with a fixed seed, so every run sees the same inputs. */
static uint64_t rng_state __attribute__((unused)) = 0x9E3779B97F4A7C15ull;
static inline uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Region of interest: the tracer starts at the first call (edaflow ipc workloads build). */
__attribute__((noinline, used)) void roi_begin(void) { __asm__ volatile(""); }

/* Repetitions of the region of interest's main work, for long traces: `edaflow ipc workloads build
 * --repeat K` compiles the workloads that support it with -DEDAFLOW_REPEAT=K. At 1 (the default) the
 * preprocessed program is the one without the knob. */
#ifndef EDAFLOW_REPEAT
#define EDAFLOW_REPEAT 1
#endif

#endif
