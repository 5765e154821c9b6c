// prio_enc64: 64-to-6 priority encoder (highest set bit wins) with valid flag, built as a tree of 4:2 encoders
module prio_enc64 (
    input  wire [63:0] req,
    output wire [5:0]  idx,
    output wire        valid
);
    // level 0: 16 groups of 4 bits -> (valid, 2-bit index)
    wire [15:0]   v0;
    wire [2*16-1:0] i0;
    genvar g;
    generate
        for (g = 0; g < 16; g = g + 1) begin : g_l0
            wire [3:0] r = req[4*g +: 4];
            assign v0[g] = |r;
            assign i0[2*g +: 2] = r[3] ? 2'd3 : r[2] ? 2'd2 : r[1] ? 2'd1 : 2'd0;
        end
    endgenerate

    // level 1: 4 groups of 4 level-0 groups -> (valid, 4-bit index)
    wire [3:0]     v1;
    wire [4*4-1:0] i1;
    generate
        for (g = 0; g < 4; g = g + 1) begin : g_l1
            wire [3:0] vv = v0[4*g +: 4];
            wire [1:0] sel = vv[3] ? 2'd3 : vv[2] ? 2'd2 : vv[1] ? 2'd1 : 2'd0;
            assign v1[g] = |vv;
            assign i1[4*g +: 4] = {sel, i0[2*(4*g + sel) +: 2]};
        end
    endgenerate

    // level 2: 4 level-1 groups -> 6-bit index
    wire [1:0] top = v1[3] ? 2'd3 : v1[2] ? 2'd2 : v1[1] ? 2'd1 : 2'd0;
    assign valid = |v1;
    assign idx   = valid ? {top, i1[4*top +: 4]} : 6'd0;
endmodule
