// booth_mult24: 24x24 signed multiplier, radix-4 Booth recoding with a carry-save (Wallace) reduction tree
module booth_mult24_enc (
    input  wire [2:0]  trip,   // multiplier bits {y[2i+1], y[2i], y[2i-1]}
    input  wire [23:0] x,
    output wire [24:0] pp,     // selected (and possibly inverted) partial product, 25-bit signed
    output wire        neg
);
    wire one = trip[1] ^ trip[0];
    wire two = (trip[2] & ~trip[1] & ~trip[0]) | (~trip[2] & trip[1] & trip[0]);
    assign neg = trip[2] & ~(trip[1] & trip[0]);
    wire [24:0] mag = two ? {x, 1'b0} : (one ? {x[23], x} : 25'd0);
    assign pp = mag ^ {25{neg}};
endmodule

module booth_mult24_csa #(
    parameter W = 48
) (
    input  wire [W-1:0] x,
    input  wire [W-1:0] y,
    input  wire [W-1:0] z,
    output wire [W-1:0] s,
    output wire [W-1:0] c
);
    assign s = x ^ y ^ z;
    wire [W-1:0] maj = (x & y) | (x & z) | (y & z);
    assign c = {maj[W-2:0], 1'b0};
endmodule

module booth_mult24 (
    input  wire [23:0] a,   // multiplicand (signed)
    input  wire [23:0] b,   // multiplier (signed)
    output wire [47:0] p
);
    localparam NPP = 12;
    wire [24:0] yext = {b, 1'b0};

    // 12 Booth partial products + 1 row collecting the "+1" of negated partial products
    wire [48*(NPP+1)-1:0] rows;
    wire [NPP-1:0]        negs;

    genvar i;
    generate
        for (i = 0; i < NPP; i = i + 1) begin : g_pp
            wire [24:0] pp;
            booth_mult24_enc u_enc (.trip(yext[2*i+2:2*i]), .x(a), .pp(pp), .neg(negs[i]));
            wire [47:0] ext = {{23{pp[24]}}, pp};
            assign rows[48*i +: 48] = ext << (2 * i);
        end
        for (i = 0; i < 24; i = i + 1) begin : g_corr
            if (i % 2 == 0) begin : g_neg
                assign rows[48*NPP + i] = negs[i/2];
            end else begin : g_zero
                assign rows[48*NPP + i] = 1'b0;
            end
        end
        assign rows[48*NPP + 24 +: 24] = 24'd0;
    endgenerate

    // Wallace reduction 13 -> 9 -> 6 -> 4 -> 3 -> 2
    wire [48*4-1:0] s1;
    wire [48*4-1:0] c1;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_l1
            booth_mult24_csa u (.x(rows[48*(3*i) +: 48]), .y(rows[48*(3*i+1) +: 48]), .z(rows[48*(3*i+2) +: 48]),
                                .s(s1[48*i +: 48]), .c(c1[48*i +: 48]));
        end
    endgenerate
    // level 2: 9 rows {s1[0..3], c1[0..3], row12} -> 6
    wire [47:0] s2a, c2a, s2b, c2b, s2c, c2c;
    booth_mult24_csa u_l2a (.x(s1[0 +: 48]), .y(c1[0 +: 48]), .z(s1[48 +: 48]), .s(s2a), .c(c2a));
    booth_mult24_csa u_l2b (.x(c1[48 +: 48]), .y(s1[96 +: 48]), .z(c1[96 +: 48]), .s(s2b), .c(c2b));
    booth_mult24_csa u_l2c (.x(s1[144 +: 48]), .y(c1[144 +: 48]), .z(rows[48*NPP +: 48]), .s(s2c), .c(c2c));
    // level 3: 6 -> 4
    wire [47:0] s3a, c3a, s3b, c3b;
    booth_mult24_csa u_l3a (.x(s2a), .y(c2a), .z(s2b), .s(s3a), .c(c3a));
    booth_mult24_csa u_l3b (.x(c2b), .y(s2c), .z(c2c), .s(s3b), .c(c3b));
    // level 4: 4 -> 3
    wire [47:0] s4, c4;
    booth_mult24_csa u_l4 (.x(s3a), .y(c3a), .z(s3b), .s(s4), .c(c4));
    // level 5: 3 -> 2
    wire [47:0] s5, c5;
    booth_mult24_csa u_l5 (.x(s4), .y(c4), .z(c3b), .s(s5), .c(c5));

    // final carry-propagate adder
    assign p = s5 + c5;
endmodule
