/* linked_list: traversals of a singly linked list whose nodes lie in memory in a scrambled order
 * (pointer chasing: every load's address comes from the previous load).
 *
 * Phases: (1) two summing traversals; (2) one traversal that updates each node;
 *         (3) unlink every other node, then traverse the shorter list once.
 * 256 k nodes of 16 bytes (4 MB). The node order is a full-period LCG permutation of the array
 * indices (cheap to generate, no cache-friendly strides). Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define LOG_N 18
#define N (1u << LOG_N)

struct node {
    struct node *next;
    uint64_t value;
};

static struct node nodes[N];

static uint64_t sum_list(const struct node *head) {
    uint64_t s = 0;
    for (const struct node *p = head; p; p = p->next) s += p->value;
    return s;
}

int main(void) {
    /* x -> (a*x + c) mod 2^LOG_N visits every index once (a = 1 mod 4, c odd). */
    uint32_t idx = 0;
    struct node *head = &nodes[0];
    for (uint32_t k = 0; k < N; k++) {
        uint32_t nxt = (idx * 0x5DEECE66Du + 0xBu) & (N - 1);
        nodes[idx].value = (uint64_t)idx * 2654435761u;
        nodes[idx].next = (k == N - 1) ? 0 : &nodes[nxt];
        idx = nxt;
    }
    roi_begin();

    uint64_t total = 0;
    for (int r = 0; r < 2; r++) total = total * 31 + sum_list(head);
    for (struct node *p = head; p; p = p->next) p->value = p->value * 3 + 1;
    for (struct node *p = head; p && p->next; p = p->next) p->next = p->next->next;
    total = total * 31 + sum_list(head);

    printf("linked_list checksum %016llx\n", (unsigned long long)total);
    return 0;
}
