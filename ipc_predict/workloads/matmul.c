/* matmul: dense double-precision matrix multiply (compute-bound).
 *
 * Phases: (1) naive i-j-k product, whose inner loop walks B by columns (strided loads);
 *         (2) i-k-j product, unit-stride and vectorised by gcc;
 *         (3) cache-blocked i-k-j product with 16x16 tiles.
 * Input: two N x N matrices from a seeded xorshift generator. Prints a checksum of the results.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define N 80
#define TILE 16

static double A[N][N], B[N][N], C[N][N];

static double checksum(void) {
    double s = 0.0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) s += C[i][j] * (double)((i ^ j) & 7);
    return s;
}

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)(rng() % 1000) / 500.0 - 1.0;
            B[i][j] = (double)(rng() % 1000) / 500.0 - 1.0;
        }
    roi_begin();
    double total = 0.0;

    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double acc = 0.0;
            for (int k = 0; k < N; k++) acc += A[i][k] * B[k][j];
            C[i][j] = acc;
        }
    total += checksum();

    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) C[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double a = A[i][k];
            for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
        }
    }
    total += checksum();

    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) C[i][j] = 0.0;
    for (int ii = 0; ii < N; ii += TILE)
        for (int kk = 0; kk < N; kk += TILE)
            for (int jj = 0; jj < N; jj += TILE)
                for (int i = ii; i < ii + TILE; i++)
                    for (int k = kk; k < kk + TILE; k++) {
                        double a = A[i][k];
                        for (int j = jj; j < jj + TILE; j++) C[i][j] += a * B[k][j];
                    }
    total += checksum();

    printf("matmul checksum %.6f\n", total);
    return 0;
}
