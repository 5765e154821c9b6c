/* lz_compress: LZ77-style compression with a hash of 4-byte prefixes, then decompression
 * (byte-wise, branchy: match/literal decisions and variable-length match loops).
 *
 * Phases: (1) greedy compression of 256 KB of generated text into literal runs and
 *         (offset, length) matches; (2) decompression and comparison with the input.
 * The text is words drawn from a small vocabulary with a seeded xorshift generator, so it has
 * realistic repeats. Prints the compressed size and a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "workload.h"

#define INPUT (256 * 1024)
#define HASH_BITS 14
#define MIN_MATCH 4
#define MAX_MATCH 255
#define WINDOW 65535

static const char *const vocabulary[] = {
    "the ", "of ", "and ", "a ", "to ", "in ", "is ", "you ", "that ", "it ", "he ", "was ", "for ", "on ",
    "are ", "as ", "with ", "his ", "they ", "I ", "at ", "be ", "this ", "have ", "from ", "or ", "one ",
    "had ", "by ", "word ", "but ", "not ", "what ", "all ", "were ", "we ", "when ", "your ", "can ",
    "said ", "there ", "use ", "an ", "each ", "which ", "she ", "do ", "how ", "their ", "if ", "will ",
    "up ", "other ", "about ", "out ", "many ", "then ", "them ", "these ", "so ", "some ", "her ",
    "would ", "make ", "like ", "him ", "into ", "time ", "has ", "look ", "two ", "more ", "write ",
    "go ", "see ", "number ", "no ", "way ", "could ", "people ", "my ", "than ", "first ", "water ",
    "been ", "call ", "who ", "oil ", "its ", "now ", "find ", "long ", "down ", "day ", "did ", "get ",
    "come ", "made ", "may ", "part ", "pipeline, ", "cache. ", "branch; ", "predictor\n"};
#define WORDS (sizeof vocabulary / sizeof vocabulary[0])

static uint8_t input[INPUT], packed[INPUT + INPUT / 8 + 16], output[INPUT];
static int32_t head[1 << HASH_BITS];

static inline uint32_t hash4(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Token stream: 0x00 len bytes... (literal run, len 1..255) or 0x01 len off_lo off_hi (match). */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0, i = 0, lit_start = 0;
    for (size_t k = 0; k < (1u << HASH_BITS); k++) head[k] = -1;
    while (i + MIN_MATCH <= n) {
        uint32_t h = hash4(in + i);
        int32_t cand = head[h];
        head[h] = (int32_t)i;
        size_t len = 0;
        if (cand >= 0 && i - (size_t)cand <= WINDOW && memcmp(in + cand, in + i, MIN_MATCH) == 0) {
            len = MIN_MATCH;
            while (i + len < n && len < MAX_MATCH && in[cand + len] == in[i + len]) len++;
        }
        if (len) {
            while (lit_start < i) {
                size_t run = i - lit_start > 255 ? 255 : i - lit_start;
                out[o++] = 0;
                out[o++] = (uint8_t)run;
                memcpy(out + o, in + lit_start, run);
                o += run;
                lit_start += run;
            }
            size_t off = i - (size_t)cand;
            out[o++] = 1;
            out[o++] = (uint8_t)len;
            out[o++] = (uint8_t)off;
            out[o++] = (uint8_t)(off >> 8);
            i += len;
            lit_start = i;
        } else {
            i++;
        }
    }
    while (lit_start < n) {
        size_t run = n - lit_start > 255 ? 255 : n - lit_start;
        out[o++] = 0;
        out[o++] = (uint8_t)run;
        memcpy(out + o, in + lit_start, run);
        o += run;
        lit_start += run;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t tag = in[i++];
        size_t len = in[i++];
        if (tag == 0) {
            memcpy(out + o, in + i, len);
            i += len;
        } else {
            size_t off = in[i] | (size_t)in[i + 1] << 8;
            i += 2;
            for (size_t k = 0; k < len; k++) out[o + k] = out[o + k - off]; /* may overlap */
        }
        o += len;
    }
    return o;
}

int main(void) {
    size_t n = 0;
    while (n < INPUT) {
        const char *w = vocabulary[rng() % WORDS];
        size_t l = strlen(w);
        if (n + l > INPUT) l = INPUT - n;
        memcpy(input + n, w, l);
        n += l;
    }
    roi_begin();
    size_t packed_size = compress(input, n, packed);
    size_t unpacked = decompress(packed, packed_size, output);
    uint64_t check = 0;
    for (size_t i = 0; i < unpacked; i += 7) check = check * 131 + output[i];
    int ok = unpacked == n && memcmp(input, output, n) == 0;
    printf("lz_compress checksum %zu %zu %d %016llx\n", n, packed_size, ok, (unsigned long long)check);
    return ok ? 0 : 1;
}
