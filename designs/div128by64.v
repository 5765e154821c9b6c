// div128by64: combinational 128/64 unsigned restoring array divider (x86-64 DIV style: 64-bit quotient, overflow flag)
module div128by64_cell (
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
module div128by64_row #(
    parameter W = 64
) (
    input  wire [W-1:0] r_in,   // partial remainder (< divisor)
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
            div128by64_cell u_cell (.x(t[j]), .y(y[j]), .bi(b[j]), .d(diff[j]), .bo(b[j+1]));
        end
    endgenerate
    assign q     = ~b[W+1];
    assign r_out = q ? diff[W-1:0] : t[W-1:0];
endmodule

module div128by64 (
    input  wire [127:0] dividend,
    input  wire [63:0]  divisor,
    output wire [63:0]  quotient,
    output wire [63:0]  remainder,
    output wire         overflow    // quotient does not fit in 64 bits (includes divide by zero)
);
    localparam W = 64;

    // the upper dividend half is the initial partial remainder; the quotient fits iff it is below the divisor
    wire [W-1:0] hi = dividend[2*W-1:W];
    wire [W-1:0] lo = dividend[W-1:0];
    assign overflow = ~(hi < divisor);

    wire [W*(W+1)-1:0] rem;    // rem[k*W +: W] = partial remainder entering row k
    assign rem[W-1:0] = hi;

    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : g_row
            div128by64_row #(.W(W)) u_row (
                .r_in (rem[k*W +: W]),
                .n_bit(lo[W-1-k]),
                .dvs  (divisor),
                .r_out(rem[(k+1)*W +: W]),
                .q    (quotient[W-1-k])
            );
        end
    endgenerate

    assign remainder = rem[W*W +: W];
endmodule
