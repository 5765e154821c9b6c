// cla32: 32-bit carry-lookahead adder from 4-bit CLA blocks and a two-level lookahead carry unit (74182 style)
module cla32_lcu (
    input  wire [3:0] p,
    input  wire [3:0] g,
    input  wire       ci,
    output wire [3:0] c,   // carry into each of the 4 positions; c[0] == ci
    output wire       pg,  // group propagate
    output wire       gg   // group generate
);
    assign c[0] = ci;
    assign c[1] = g[0] | (p[0] & ci);
    assign c[2] = g[1] | (p[1] & g[0]) | (p[1] & p[0] & ci);
    assign c[3] = g[2] | (p[2] & g[1]) | (p[2] & p[1] & g[0]) | (p[2] & p[1] & p[0] & ci);
    assign pg   = &p;
    assign gg   = g[3] | (p[3] & g[2]) | (p[3] & p[2] & g[1]) | (p[3] & p[2] & p[1] & g[0]);
endmodule

module cla32_blk4 (
    input  wire [3:0] a,
    input  wire [3:0] b,
    input  wire       ci,
    output wire [3:0] s,
    output wire       pg,
    output wire       gg
);
    wire [3:0] p = a ^ b;
    wire [3:0] g = a & b;
    wire [3:0] c;
    cla32_lcu u_lcu (.p(p), .g(g), .ci(ci), .c(c), .pg(pg), .gg(gg));
    assign s = p ^ c;
endmodule

module cla32 (
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire        cin,
    output wire [31:0] sum,
    output wire        cout
);
    wire [7:0] bp, bg;   // per-block propagate / generate
    wire [7:0] bc;       // carry into each block
    wire [1:0] sp, sg;   // per-16-bit-section propagate / generate
    wire       c16;

    genvar k;
    generate
        for (k = 0; k < 8; k = k + 1) begin : g_blk
            cla32_blk4 u_blk (
                .a (a[4*k +: 4]),
                .b (b[4*k +: 4]),
                .ci(bc[k]),
                .s (sum[4*k +: 4]),
                .pg(bp[k]),
                .gg(bg[k])
            );
        end
    endgenerate

    // second level: one lookahead unit per 16-bit section
    cla32_lcu u_lo (.p(bp[3:0]), .g(bg[3:0]), .ci(cin), .c(bc[3:0]), .pg(sp[0]), .gg(sg[0]));
    cla32_lcu u_hi (.p(bp[7:4]), .g(bg[7:4]), .ci(c16), .c(bc[7:4]), .pg(sp[1]), .gg(sg[1]));

    // third level: carries between the two sections
    assign c16  = sg[0] | (sp[0] & cin);
    assign cout = sg[1] | (sp[1] & sg[0]) | (sp[1] & sp[0] & cin);
endmodule
