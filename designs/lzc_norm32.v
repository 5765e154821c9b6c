// lzc_norm32: 32-bit leading-zero counter (tree of 2-bit LZC merges) and left normalizer, as used in floating-point renormalization
module lzc_norm32_merge #(
    parameter N = 1   // width of each half's count
) (
    input  wire         vh,   // high half all-zero flag
    input  wire [N-1:0] ch,
    input  wire         vl,
    input  wire [N-1:0] cl,
    output wire         v,    // all-zero flag of the merged field
    output wire [N:0]   c
);
    assign v = vh & vl;
    assign c = vh ? {1'b1, cl} : {1'b0, ch};
endmodule

module lzc_norm32 (
    input  wire [31:0] din,
    output wire [5:0]  lz,        // number of leading zeros (32 when din == 0)
    output wire [31:0] norm,      // din << lz
    output wire        zero
);
    // level 0: 16 two-bit fields
    wire [15:0]  z1;
    wire [15:0]  c1;
    genvar i;
    generate
        for (i = 0; i < 16; i = i + 1) begin : g_l1
            wire [1:0] f = din[2*i +: 2];
            assign z1[i] = ~f[1] & ~f[0];
            assign c1[i] = ~f[1];
        end
    endgenerate

    // levels 1..4: merge pairs (index 2i+1 is the more significant half)
    wire [7:0]   z2;  wire [2*8-1:0] c2;
    wire [3:0]   z3;  wire [3*4-1:0] c3;
    wire [1:0]   z4;  wire [4*2-1:0] c4;
    wire         z5;  wire [4:0]     c5;
    generate
        for (i = 0; i < 8; i = i + 1) begin : g_l2
            lzc_norm32_merge #(.N(1)) u (.vh(z1[2*i+1]), .ch(c1[2*i+1]), .vl(z1[2*i]), .cl(c1[2*i]),
                                         .v(z2[i]), .c(c2[2*i +: 2]));
        end
        for (i = 0; i < 4; i = i + 1) begin : g_l3
            lzc_norm32_merge #(.N(2)) u (.vh(z2[2*i+1]), .ch(c2[2*(2*i+1) +: 2]), .vl(z2[2*i]), .cl(c2[2*(2*i) +: 2]),
                                         .v(z3[i]), .c(c3[3*i +: 3]));
        end
        for (i = 0; i < 2; i = i + 1) begin : g_l4
            lzc_norm32_merge #(.N(3)) u (.vh(z3[2*i+1]), .ch(c3[3*(2*i+1) +: 3]), .vl(z3[2*i]), .cl(c3[3*(2*i) +: 3]),
                                         .v(z4[i]), .c(c4[4*i +: 4]));
        end
    endgenerate
    lzc_norm32_merge #(.N(4)) u_top (.vh(z4[1]), .ch(c4[7:4]), .vl(z4[0]), .cl(c4[3:0]), .v(z5), .c(c5));

    assign zero = z5;
    assign lz   = z5 ? 6'd32 : {1'b0, c5};
    assign norm = din << c5;
endmodule
