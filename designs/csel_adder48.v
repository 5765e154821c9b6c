// csel_adder48: 48-bit carry-select adder of eight 6-bit dual-ripple blocks joined by a conditional-sum (Sklansky) carry tree, plus unsigned a>=b compare
module csel_adder48_blk (
    input  wire [5:0] a,
    input  wire [5:0] b,
    output wire [5:0] s0,   // sum assuming carry-in 0
    output wire [5:0] s1,   // sum assuming carry-in 1
    output wire       c0,   // carry-out assuming carry-in 0
    output wire       c1    // carry-out assuming carry-in 1
);
    reg [5:0] r0, r1;
    reg       k0, k1;
    integer i;
    always @* begin
        k0 = 1'b0;
        k1 = 1'b1;
        for (i = 0; i < 6; i = i + 1) begin
            r0[i] = a[i] ^ b[i] ^ k0;
            r1[i] = a[i] ^ b[i] ^ k1;
            k0 = (a[i] & b[i]) | ((a[i] ^ b[i]) & k0);
            k1 = (a[i] & b[i]) | ((a[i] ^ b[i]) & k1);
        end
    end
    assign s0 = r0;
    assign s1 = r1;
    assign c0 = k0;
    assign c1 = k1;
endmodule

// conditional-sum merge of a (lo, hi) pair of block carry pairs
module csel_adder48_merge (
    input  wire lo0, lo1, hi0, hi1,
    output wire o0, o1
);
    assign o0 = lo0 ? hi1 : hi0;
    assign o1 = lo1 ? hi1 : hi0;
endmodule

// carry into each of the 8 blocks: 3-level Sklansky prefix over (c0, c1) pairs, then chosen by cin
module csel_adder48_ctree (
    input  wire [7:0] c0,
    input  wire [7:0] c1,
    input  wire       cin,
    output wire [8:0] bc     // bc[k] = carry into block k, bc[8] = carry out
);
    // level 1: spans of 2
    wire [7:0] p0a, p1a, p0b, p1b, p0c, p1c;
    genvar k;
    generate
        for (k = 0; k < 8; k = k + 1) begin : g_l1
            if (k % 2 == 1) begin : m
                csel_adder48_merge u (.lo0(c0[k-1]), .lo1(c1[k-1]), .hi0(c0[k]), .hi1(c1[k]),
                                      .o0(p0a[k]), .o1(p1a[k]));
            end else begin : p
                assign p0a[k] = c0[k];
                assign p1a[k] = c1[k];
            end
        end
        // level 2: spans of 4
        for (k = 0; k < 8; k = k + 1) begin : g_l2
            if (k % 4 >= 2) begin : m
                csel_adder48_merge u (.lo0(p0a[(k/4)*4+1]), .lo1(p1a[(k/4)*4+1]), .hi0(p0a[k]), .hi1(p1a[k]),
                                      .o0(p0b[k]), .o1(p1b[k]));
            end else begin : p
                assign p0b[k] = p0a[k];
                assign p1b[k] = p1a[k];
            end
        end
        // level 3: spans of 8
        for (k = 0; k < 8; k = k + 1) begin : g_l3
            if (k >= 4) begin : m
                csel_adder48_merge u (.lo0(p0b[3]), .lo1(p1b[3]), .hi0(p0b[k]), .hi1(p1b[k]),
                                      .o0(p0c[k]), .o1(p1c[k]));
            end else begin : p
                assign p0c[k] = p0b[k];
                assign p1c[k] = p1b[k];
            end
        end
        for (k = 0; k < 8; k = k + 1) begin : g_sel
            assign bc[k+1] = cin ? p1c[k] : p0c[k];
        end
    endgenerate
    assign bc[0] = cin;
endmodule

module csel_adder48 (
    input  wire [47:0] a,
    input  wire [47:0] b,
    input  wire        cin,
    output wire [47:0] sum,
    output wire        cout,
    output wire        ge      // unsigned a >= b
);
    wire [7:0] c0, c1, g0, g1;
    wire [8:0] bc, gc;
    genvar k;
    generate
        for (k = 0; k < 8; k = k + 1) begin : g_blk
            wire [5:0] s0, s1, d0, d1;
            csel_adder48_blk u_add (.a(a[6*k+5:6*k]), .b(b[6*k+5:6*k]),
                                    .s0(s0), .s1(s1), .c0(c0[k]), .c1(c1[k]));
            assign sum[6*k+5:6*k] = bc[k] ? s1 : s0;
            // comparator: a + ~b + 1, only the carries are used
            csel_adder48_blk u_cmp (.a(a[6*k+5:6*k]), .b(~b[6*k+5:6*k]),
                                    .s0(d0), .s1(d1), .c0(g0[k]), .c1(g1[k]));
        end
    endgenerate
    csel_adder48_ctree u_ct  (.c0(c0), .c1(c1), .cin(cin),  .bc(bc));
    csel_adder48_ctree u_gct (.c0(g0), .c1(g1), .cin(1'b1), .bc(gc));
    assign cout = bc[8];
    assign ge   = gc[8];
endmodule
