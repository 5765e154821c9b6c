// popcount64: 64-bit population count using a carry-save layer of full adders and a binary adder tree
module popcount64 (
    input  wire [63:0] din,
    output wire [6:0]  count,
    output wire        parity,     // == count[0]
    output wire        all_ones,
    output wire        none
);
    // level 0: 21 full adders compress 63 bits into 21 (sum, carry) pairs; bit 63 joins later
    wire [20:0] fs, fc;
    genvar i;
    generate
        for (i = 0; i < 21; i = i + 1) begin : g_fa
            wire x = din[3*i], y = din[3*i+1], z = din[3*i+2];
            assign fs[i] = x ^ y ^ z;
            assign fc[i] = (x & y) | (x & z) | (y & z);
        end
    endgenerate

    // each pair is a 2-bit count; 21 two-bit counts + din[63] -> adder tree
    // level 1: pair up 2-bit counts into 3-bit sums (10 sums + 1 left over)
    wire [3*11-1:0] l1;
    generate
        for (i = 0; i < 10; i = i + 1) begin : g_l1
            assign l1[3*i +: 3] = {1'b0, fc[2*i], fs[2*i]} + {1'b0, fc[2*i+1], fs[2*i+1]};
        end
    endgenerate
    assign l1[30 +: 3] = {1'b0, fc[20], fs[20]} + {2'b00, din[63]};

    // level 2: 11 -> 6 four-bit sums
    wire [4*6-1:0] l2;
    generate
        for (i = 0; i < 5; i = i + 1) begin : g_l2
            assign l2[4*i +: 4] = {1'b0, l1[3*(2*i) +: 3]} + {1'b0, l1[3*(2*i+1) +: 3]};
        end
    endgenerate
    assign l2[20 +: 4] = {1'b0, l1[30 +: 3]};

    // level 3: 6 -> 3 five-bit sums
    wire [5*3-1:0] l3;
    generate
        for (i = 0; i < 3; i = i + 1) begin : g_l3
            assign l3[5*i +: 5] = {1'b0, l2[4*(2*i) +: 4]} + {1'b0, l2[4*(2*i+1) +: 4]};
        end
    endgenerate

    // level 4: final three-operand sum
    assign count    = {2'b00, l3[0 +: 5]} + {2'b00, l3[5 +: 5]} + {2'b00, l3[10 +: 5]};
    assign parity   = count[0];
    assign all_ones = &din;
    assign none     = ~|din;
endmodule
