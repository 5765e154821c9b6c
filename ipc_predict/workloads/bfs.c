/* bfs: breadth-first search on a generated random graph (irregular, memory-bound).
 *
 * Phases: (1) build a compressed-sparse-row graph of 32 k vertices and 192 k directed edges
 *         (degree count, prefix sum, random scatter of edges); (2) BFS from vertex 0;
 *         (3) BFS from another vertex. Edges from a seeded xorshift generator, mixing local
 *         neighbours with uniformly random ones. Prints a checksum of the distances.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define V (32 * 1024)
#define E (192 * 1024)

static uint32_t src[E], dst[E];
static uint32_t offsets[V + 1], fill[V], adjacency[E];
static int32_t dist[V];
static uint32_t queue[V];

static uint64_t bfs(uint32_t root) {
    for (uint32_t i = 0; i < V; i++) dist[i] = -1;
    uint32_t head = 0, tail = 0;
    dist[root] = 0;
    queue[tail++] = root;
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint32_t e = offsets[u]; e < offsets[u + 1]; e++) {
            uint32_t w = adjacency[e];
            if (dist[w] < 0) {
                dist[w] = dist[u] + 1;
                queue[tail++] = w;
            }
        }
    }
    uint64_t s = tail;
    for (uint32_t i = 0; i < V; i++) s = s * 31 + (uint32_t)(dist[i] + 1);
    return s;
}

int main(void) {
    for (uint32_t e = 0; e < E; e++) {
        uint64_t r = rng();
        uint32_t u = (uint32_t)r & (V - 1);
        uint32_t w = (r >> 40) & 1 ? (u + 1 + (uint32_t)((r >> 20) & 15)) & (V - 1) : (uint32_t)(r >> 24) & (V - 1);
        src[e] = u;
        dst[e] = w;
    }
    roi_begin();

    for (uint32_t e = 0; e < E; e++) offsets[src[e] + 1]++;
    for (uint32_t i = 0; i < V; i++) offsets[i + 1] += offsets[i];
    for (uint32_t i = 0; i < V; i++) fill[i] = offsets[i];
    for (uint32_t e = 0; e < E; e++) adjacency[fill[src[e]]++] = dst[e];

    uint64_t a = bfs(0);
    uint64_t b = bfs(V / 2 + 12345);
#if EDAFLOW_REPEAT > 1
    for (int r = 1; r < EDAFLOW_REPEAT; r++) b ^= bfs((uint32_t)(r * 7919u) & (V - 1)) << (r & 31);
#endif
    printf("bfs checksum %016llx %016llx\n", (unsigned long long)a, (unsigned long long)b);
    return 0;
}
