// mag_cmp64: 64-bit signed/unsigned magnitude comparator built as a tree of 4-bit compare cells
module mag_cmp64_node (
    input  wire gt_hi, eq_hi,
    input  wire gt_lo, eq_lo,
    output wire gt, eq
);
    assign gt = gt_hi | (eq_hi & gt_lo);
    assign eq = eq_hi & eq_lo;
endmodule

module mag_cmp64 (
    input  wire [63:0] a,
    input  wire [63:0] b,
    input  wire        is_signed,
    output wire        lt,
    output wire        eq,
    output wire        gt,
    output wire        le,
    output wire        ge
);
    // signed compare == unsigned compare with the sign bits flipped
    wire [63:0] x = {a[63] ^ is_signed, a[62:0]};
    wire [63:0] y = {b[63] ^ is_signed, b[62:0]};

    // level 0: 16 nibble comparators; levels 1..4: binary tree
    wire [31:0] gts, eqs;    // node n of the tree: leaves 16..31, root 1
    genvar i;
    generate
        for (i = 0; i < 16; i = i + 1) begin : g_leaf
            wire [3:0] xa = x[4*i +: 4];
            wire [3:0] yb = y[4*i +: 4];
            assign gts[16 + i] = (xa[3] & ~yb[3]) |
                                 ((xa[3] ~^ yb[3]) & xa[2] & ~yb[2]) |
                                 ((xa[3] ~^ yb[3]) & (xa[2] ~^ yb[2]) & xa[1] & ~yb[1]) |
                                 ((xa[3] ~^ yb[3]) & (xa[2] ~^ yb[2]) & (xa[1] ~^ yb[1]) & xa[0] & ~yb[0]);
            assign eqs[16 + i] = (xa == yb);
        end
        for (i = 1; i < 16; i = i + 1) begin : g_node
            mag_cmp64_node u_node (
                .gt_hi(gts[2*i + 1]), .eq_hi(eqs[2*i + 1]),
                .gt_lo(gts[2*i]),     .eq_lo(eqs[2*i]),
                .gt(gts[i]), .eq(eqs[i])
            );
        end
    endgenerate
    assign gts[0] = 1'b0;
    assign eqs[0] = 1'b0;

    assign gt = gts[1];
    assign eq = eqs[1];
    assign lt = ~gts[1] & ~eqs[1];
    assign le = ~gts[1];
    assign ge = gts[1] | eqs[1];
endmodule
