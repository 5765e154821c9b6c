// div64: combinational 64/64 unsigned non-restoring array divider (controlled add/subtract cells, remainder correction)
module div64_cas (
    input  wire x,     // partial-remainder bit
    input  wire y,     // divisor bit
    input  wire sub,   // 1: subtract the divisor, 0: add it
    input  wire ci,
    output wire s,
    output wire co
);
    wire yy  = y ^ sub;
    wire axb = x ^ yy;
    assign s  = axb ^ ci;
    assign co = (x & yy) | (axb & ci);
endmodule

// one row: R_next = 2R + n - D when R >= 0, 2R + n + D when R < 0 (W+1-bit two's complement)
module div64_row #(
    parameter W = 64
) (
    input  wire [W:0]   r_in,
    input  wire         n_bit,
    input  wire [W-1:0] dvs,
    output wire [W:0]   r_out
);
    wire         sub = ~r_in[W];
    wire [W:0]   t   = {r_in[W-1:0], n_bit};
    wire [W:0]   y   = {1'b0, dvs};
    wire [W+1:0] c;
    assign c[0] = sub;   // +1 of the two's-complement negation
    genvar j;
    generate
        for (j = 0; j <= W; j = j + 1) begin : g_cell
            div64_cas u_cas (.x(t[j]), .y(y[j]), .sub(sub), .ci(c[j]), .s(r_out[j]), .co(c[j+1]));
        end
    endgenerate
endmodule

module div64 (
    input  wire [63:0] dividend,
    input  wire [63:0] divisor,
    output wire [63:0] quotient,
    output wire [63:0] remainder,
    output wire        div_by_zero
);
    localparam W = 64;
    localparam RW = W + 1;
    wire [RW*(W+1)-1:0] rem;    // rem[k*RW +: RW] = partial remainder entering row k
    assign rem[RW-1:0] = {RW{1'b0}};

    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : g_row
            div64_row #(.W(W)) u_row (
                .r_in (rem[k*RW +: RW]),
                .n_bit(dividend[W-1-k]),
                .dvs  (divisor),
                .r_out(rem[(k+1)*RW +: RW])
            );
            assign quotient[W-1-k] = ~rem[(k+1)*RW + W];
        end
    endgenerate

    // final remainder correction: add the divisor back when the last partial remainder is negative
    wire [W:0] r_last = rem[W*RW +: RW];
    wire [W:0] r_fix  = r_last + {1'b0, divisor};
    assign remainder   = r_last[W] ? r_fix[W-1:0] : r_last[W-1:0];
    assign div_by_zero = ~|divisor;
endmodule
