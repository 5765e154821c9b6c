// wallace_mult8: 8x8 unsigned multiplier; 8 partial-product rows reduced by a 4-level Wallace tree of 3:2 carry-save adders, 16-bit carry-select final adder
module wallace_mult8_ha (
    input  wire a,
    input  wire b,
    output wire s,
    output wire c
);
    assign s = a ^ b;
    assign c = a & b;
endmodule

module wallace_mult8_fa (
    input  wire a,
    input  wire b,
    input  wire ci,
    output wire s,
    output wire co
);
    wire t = a ^ b;
    assign s  = t ^ ci;
    assign co = (a & b) | (t & ci);
endmodule

// 16-bit 3:2 compressor row: x + y + z == s + c (mod 2^16); c is already shifted left by one
module wallace_mult8_csa (
    input  wire [15:0] x,
    input  wire [15:0] y,
    input  wire [15:0] z,
    output wire [15:0] s,
    output wire [15:0] c
);
    wire [15:0] co;
    genvar i;
    generate
        for (i = 0; i < 16; i = i + 1) begin : g_fa
            wallace_mult8_fa u_fa (.a(x[i]), .b(y[i]), .ci(z[i]), .s(s[i]), .co(co[i]));
        end
    endgenerate
    assign c = {co[14:0], 1'b0};
endmodule

// 4-bit ripple block used twice (carry-in 0 / carry-in 1) by the carry-select adder
module wallace_mult8_rc4 (
    input  wire [3:0] a,
    input  wire [3:0] b,
    input  wire       ci,
    output wire [3:0] s,
    output wire       co
);
    wire [4:0] c;
    assign c[0] = ci;
    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_fa
            wallace_mult8_fa u_fa (.a(a[i]), .b(b[i]), .ci(c[i]), .s(s[i]), .co(c[i+1]));
        end
    endgenerate
    assign co = c[4];
endmodule

// 4-bit block with carry-in 0: first bit needs only a half adder
module wallace_mult8_rc4z (
    input  wire [3:0] a,
    input  wire [3:0] b,
    output wire [3:0] s,
    output wire       co
);
    wire [4:1] c;
    wallace_mult8_ha u_ha (.a(a[0]), .b(b[0]), .s(s[0]), .c(c[1]));
    genvar i;
    generate
        for (i = 1; i < 4; i = i + 1) begin : g_fa
            wallace_mult8_fa u_fa (.a(a[i]), .b(b[i]), .ci(c[i]), .s(s[i]), .co(c[i+1]));
        end
    endgenerate
    assign co = c[4];
endmodule

module wallace_mult8_csel16 (
    input  wire [15:0] a,
    input  wire [15:0] b,
    output wire [15:0] s
);
    wire [3:0] blk_c;
    wallace_mult8_rc4z u_b0 (.a(a[3:0]), .b(b[3:0]), .s(s[3:0]), .co(blk_c[0]));
    genvar k;
    generate
        for (k = 1; k < 4; k = k + 1) begin : g_blk
            wire [3:0] s0, s1;
            wire       c0, c1;
            wallace_mult8_rc4z u_z (.a(a[4*k+3:4*k]), .b(b[4*k+3:4*k]), .s(s0), .co(c0));
            wallace_mult8_rc4  u_o (.a(a[4*k+3:4*k]), .b(b[4*k+3:4*k]), .ci(1'b1), .s(s1), .co(c1));
            assign s[4*k+3:4*k] = blk_c[k-1] ? s1 : s0;
            assign blk_c[k]     = blk_c[k-1] ? c1 : c0;
        end
    endgenerate
endmodule

module wallace_mult8 (
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    output wire [15:0] p
);
    // partial-product rows, row i shifted left by i
    wire [15:0] pp [0:7];
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : g_pp
            assign pp[i] = {8'd0, a & {8{b[i]}}} << i;
        end
    endgenerate

    // level 1: 8 rows -> 6
    wire [15:0] l1s0, l1c0, l1s1, l1c1;
    wallace_mult8_csa u_l1a (.x(pp[0]), .y(pp[1]), .z(pp[2]), .s(l1s0), .c(l1c0));
    wallace_mult8_csa u_l1b (.x(pp[3]), .y(pp[4]), .z(pp[5]), .s(l1s1), .c(l1c1));
    // level 2: 6 rows (l1s0 l1c0 l1s1 l1c1 pp6 pp7) -> 4
    wire [15:0] l2s0, l2c0, l2s1, l2c1;
    wallace_mult8_csa u_l2a (.x(l1s0), .y(l1c0), .z(l1s1), .s(l2s0), .c(l2c0));
    wallace_mult8_csa u_l2b (.x(l1c1), .y(pp[6]), .z(pp[7]), .s(l2s1), .c(l2c1));
    // level 3: 4 rows -> 3
    wire [15:0] l3s, l3c;
    wallace_mult8_csa u_l3 (.x(l2s0), .y(l2c0), .z(l2s1), .s(l3s), .c(l3c));
    // level 4: 3 rows -> 2
    wire [15:0] l4s, l4c;
    wallace_mult8_csa u_l4 (.x(l3s), .y(l3c), .z(l2c1), .s(l4s), .c(l4c));

    wallace_mult8_csel16 u_final (.a(l4s), .b(l4c), .s(p));
endmodule
