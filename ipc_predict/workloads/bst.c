/* bst: an unbalanced binary search tree (pointer chasing with data-dependent branches).
 *
 * Phases: (1) insert 20 k random keys; (2) 20 k lookups, about half of them hits;
 *         (3) a recursive in-order traversal (deep call/return chains).
 * Nodes come from a static pool. Keys from a seeded xorshift generator. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define KEYS 20000
#define LOOKUPS 20000

struct node {
    uint32_t key;
    uint32_t count;
    struct node *left, *right;
};

static struct node pool[KEYS];
static int used;

static struct node *insert(struct node *root, uint32_t key) {
    struct node **link = &root;
    while (*link) {
        struct node *n = *link;
        if (key == n->key) {
            n->count++;
            return root;
        }
        link = key < n->key ? &n->left : &n->right;
    }
    struct node *n = &pool[used++];
    n->key = key;
    n->count = 1;
    *link = n;
    return root;
}

static const struct node *find(const struct node *n, uint32_t key) {
    while (n && n->key != key) n = key < n->key ? n->left : n->right;
    return n;
}

__attribute__((noinline)) static uint64_t in_order(const struct node *n, uint64_t acc) {
    if (!n) return acc;
    acc = in_order(n->left, acc);
    acc = acc * 31 + n->key + n->count;
    return in_order(n->right, acc);
}

int main(void) {
    roi_begin();
    struct node *root = 0;
    for (int i = 0; i < KEYS; i++) root = insert(root, (uint32_t)(rng() % (4u * KEYS)));

    uint64_t hits = 0, depth_sum = 0;
    for (int i = 0; i < LOOKUPS; i++) {
        const struct node *n = find(root, (uint32_t)(rng() % (4u * KEYS)));
        if (n) {
            hits++;
            depth_sum += n->count;
        }
    }
    uint64_t walk = in_order(root, 0);
    printf("bst checksum %llu %llu %016llx\n", (unsigned long long)hits, (unsigned long long)depth_sum,
           (unsigned long long)walk);
    return 0;
}
