/* stencil: 2-D five-point Jacobi relaxation on a float grid (streaming with reuse).
 *
 * Phases: (1) Jacobi sweeps alternating between two 256 x 256 grids (512 KB together);
 *         (2) a residual reduction over the final grid.
 * Input: a grid with seeded random interior values and fixed boundary. Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define N 256
#define SWEEPS (8 * EDAFLOW_REPEAT)

static float grid[2][N][N];

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            float v = (i == 0 || j == 0 || i == N - 1 || j == N - 1) ? 1.0f : (float)(rng() & 1023) / 1024.0f;
            grid[0][i][j] = v;
            grid[1][i][j] = v;
        }
    roi_begin();

    int cur = 0;
    for (int s = 0; s < SWEEPS; s++) {
        int nxt = cur ^ 1;
        for (int i = 1; i < N - 1; i++)
            for (int j = 1; j < N - 1; j++)
                grid[nxt][i][j] = 0.2f * (grid[cur][i][j] + grid[cur][i - 1][j] + grid[cur][i + 1][j] +
                                          grid[cur][i][j - 1] + grid[cur][i][j + 1]);
        cur = nxt;
    }

    double residual = 0.0, sum = 0.0;
    for (int i = 1; i < N - 1; i++)
        for (int j = 1; j < N - 1; j++) {
            float r = 4.0f * grid[cur][i][j] - grid[cur][i - 1][j] - grid[cur][i + 1][j] -
                      grid[cur][i][j - 1] - grid[cur][i][j + 1];
            residual += (double)(r < 0 ? -r : r);
            sum += grid[cur][i][j];
        }
    printf("stencil checksum %.6f %.6f\n", sum, residual);
    return 0;
}
