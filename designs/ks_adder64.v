// ks_adder64: 64-bit Kogge-Stone parallel-prefix adder built with generate loops
module ks_adder64 (
    input  wire [63:0] a,
    input  wire [63:0] b,
    input  wire        cin,
    output wire [63:0] sum,
    output wire        cout
);
    localparam W = 64;
    localparam L = 6;  // log2(W) prefix levels

    // level-major flattened (generate, propagate) arrays: level l occupies [l*W +: W]
    wire [W*(L+1)-1:0] gs;
    wire [W*(L+1)-1:0] ps;
    wire [W-1:0] p0 = a ^ b;
    wire [W-1:0] g0 = a & b;

    // fold the carry-in into bit 0 so that the prefix result is the carry out of each bit
    assign gs[W-1:1] = g0[W-1:1];
    assign gs[0]     = g0[0] | (p0[0] & cin);
    assign ps[W-1:0] = p0;

    genvar l, i;
    generate
        for (l = 0; l < L; l = l + 1) begin : g_lvl
            for (i = 0; i < W; i = i + 1) begin : g_bit
                if (i >= (1 << l)) begin : g_op
                    assign gs[(l+1)*W + i] = gs[l*W + i] | (ps[l*W + i] & gs[l*W + i - (1 << l)]);
                    assign ps[(l+1)*W + i] = ps[l*W + i] & ps[l*W + i - (1 << l)];
                end else begin : g_pass
                    assign gs[(l+1)*W + i] = gs[l*W + i];
                    assign ps[(l+1)*W + i] = ps[l*W + i];
                end
            end
        end
    endgenerate

    wire [W-1:0] cout_bit = gs[L*W +: W];   // carry out of bit i
    wire [W-1:0] cin_bit  = {cout_bit[W-2:0], cin};
    assign sum  = p0 ^ cin_bit;
    assign cout = cout_bit[W-1];
endmodule
