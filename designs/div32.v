// div32: combinational 32/32 restoring array divider with RISC-V M semantics (DIV/DIVU/REM/REMU, div-by-zero, overflow)
module div32_cell (
    input  wire x,     // partial-remainder bit
    input  wire y,     // divisor bit
    input  wire bi,    // borrow in
    output wire d,     // difference bit
    output wire bo     // borrow out
);
    wire xy = x ^ y;
    assign d  = xy ^ bi;
    assign bo = (~x & y) | (~xy & bi);
endmodule

// one row of the array: trial subtraction, restore the partial remainder when it borrows
module div32_row #(
    parameter W = 32
) (
    input  wire [W-1:0] r_in,   // partial remainder (always < divisor)
    input  wire         n_bit,  // next dividend bit shifted in
    input  wire [W-1:0] dvs,
    output wire [W-1:0] r_out,
    output wire         q
);
    wire [W:0]   t = {r_in, n_bit};
    wire [W:0]   y = {1'b0, dvs};
    wire [W:0]   diff;
    wire [W+1:0] b;
    assign b[0] = 1'b0;
    genvar j;
    generate
        for (j = 0; j <= W; j = j + 1) begin : g_cell
            div32_cell u_cell (.x(t[j]), .y(y[j]), .bi(b[j]), .d(diff[j]), .bo(b[j+1]));
        end
    endgenerate
    assign q     = ~b[W+1];
    assign r_out = q ? diff[W-1:0] : t[W-1:0];
endmodule

module div32 (
    input  wire [31:0] dividend,
    input  wire [31:0] divisor,
    input  wire        is_signed,   // 1: DIV/REM, 0: DIVU/REMU
    output wire [31:0] quotient,
    output wire [31:0] remainder,
    output wire        div_by_zero
);
    localparam W = 32;

    wire neg_a = is_signed & dividend[W-1];
    wire neg_b = is_signed & divisor[W-1];
    wire [W-1:0] ua = neg_a ? (~dividend + 1'b1) : dividend;
    wire [W-1:0] ub = neg_b ? (~divisor + 1'b1) : divisor;

    wire [W*(W+1)-1:0] rem;     // rem[k*W +: W] = partial remainder entering row k
    wire [W-1:0]       uq;
    assign rem[W-1:0] = {W{1'b0}};

    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : g_row
            div32_row #(.W(W)) u_row (
                .r_in (rem[k*W +: W]),
                .n_bit(ua[W-1-k]),
                .dvs  (ub),
                .r_out(rem[(k+1)*W +: W]),
                .q    (uq[W-1-k])
            );
        end
    endgenerate

    wire [W-1:0] ur = rem[W*W +: W];
    assign div_by_zero = ~|divisor;
    // quotient sign differs from the operands' -> negate; remainder takes the dividend's sign
    wire [W-1:0] sq = (neg_a ^ neg_b) ? (~uq + 1'b1) : uq;
    assign quotient  = div_by_zero ? {W{1'b1}} : sq;
    assign remainder = neg_a ? (~ur + 1'b1) : ur;
endmodule
