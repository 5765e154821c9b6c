// array_mult16: 16x16 unsigned array multiplier (carry-save rows of full adders, ripple-carry final row)
module array_mult16_fa (
    input  wire a,
    input  wire b,
    input  wire ci,
    output wire s,
    output wire co
);
    wire axb = a ^ b;
    assign s  = axb ^ ci;
    assign co = (a & b) | (axb & ci);
endmodule

module array_mult16 (
    input  wire [15:0] a,
    input  wire [15:0] b,
    output wire [31:0] p
);
    localparam N = 16;

    // row-major flattened sum / carry vectors: row r occupies [r*N +: N]
    // sum bit s[r][j] has weight 2^(r+j), carry bit c[r][j] has weight 2^(r+j+1)
    wire [N*N-1:0] s;
    wire [N*N-1:0] c;

    genvar r, j;
    generate
        for (j = 0; j < N; j = j + 1) begin : g_row0
            assign s[j] = a[j] & b[0];
            assign c[j] = 1'b0;
        end
        for (r = 1; r < N; r = r + 1) begin : g_row
            for (j = 0; j < N; j = j + 1) begin : g_cell
                wire pp   = a[j] & b[r];
                wire sin  = (j == N - 1) ? 1'b0 : s[(r-1)*N + j + 1];
                array_mult16_fa u_fa (
                    .a (pp),
                    .b (sin),
                    .ci(c[(r-1)*N + j]),
                    .s (s[r*N + j]),
                    .co(c[r*N + j])
                );
            end
        end
        // the low product bits fall out of the least significant cell of each row
        for (r = 0; r < N; r = r + 1) begin : g_lo
            assign p[r] = s[r*N];
        end
    endgenerate

    // final vector-merging ripple adder: (s[N-1] >> 1) + c[N-1]
    wire [N:0] rc;
    assign rc[0] = 1'b0;
    generate
        for (j = 0; j < N; j = j + 1) begin : g_final
            wire sx = (j == N - 1) ? 1'b0 : s[(N-1)*N + j + 1];
            array_mult16_fa u_fa (
                .a (sx),
                .b (c[(N-1)*N + j]),
                .ci(rc[j]),
                .s (p[N + j]),
                .co(rc[j+1])
            );
        end
    endgenerate
endmodule
