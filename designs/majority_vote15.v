// majority_vote15: bitwise 15-way majority vote (threshold 8 of 15) over 4-bit words using full-adder counting trees, per-bit disagreement counts, dissenting-voter mask
module majority_vote15_fa (
    input  wire a,
    input  wire b,
    input  wire c,
    output wire s,
    output wire co
);
    assign s  = a ^ b ^ c;
    assign co = (a & b) | (c & (a ^ b));
endmodule

// number of ones among 15 inputs, 11 full adders in a carry-save tree
module majority_vote15_cnt15 (
    input  wire [14:0] x,
    output wire [3:0]  n
);
    wire [4:0] s1, c1;
    genvar i;
    generate
        for (i = 0; i < 5; i = i + 1) begin : g_l1
            majority_vote15_fa u (.a(x[3*i]), .b(x[3*i+1]), .c(x[3*i+2]), .s(s1[i]), .co(c1[i]));
        end
    endgenerate
    // weight-1 column: s1[0..4]
    wire s6, c6, c7;
    majority_vote15_fa u6 (.a(s1[0]), .b(s1[1]), .c(s1[2]), .s(s6),   .co(c6));
    majority_vote15_fa u7 (.a(s1[3]), .b(s1[4]), .c(s6),    .s(n[0]), .co(c7));
    // weight-2 column: c1[0..4], c6, c7
    wire s8, c8, s9, c9, c10;
    majority_vote15_fa u8  (.a(c1[0]), .b(c1[1]), .c(c1[2]), .s(s8),   .co(c8));
    majority_vote15_fa u9  (.a(c1[3]), .b(c1[4]), .c(c6),    .s(s9),   .co(c9));
    majority_vote15_fa u10 (.a(c7),    .b(s8),    .c(s9),    .s(n[1]), .co(c10));
    // weight-4 column: c8, c9, c10
    majority_vote15_fa u11 (.a(c8), .b(c9), .c(c10), .s(n[2]), .co(n[3]));
endmodule

module majority_vote15 (
    input  wire [59:0] votes,      // voter v drives votes[4*v+3 : 4*v]
    output wire [3:0]  maj,        // bitwise majority word
    output wire [11:0] dis,        // dis[3*b+2 : 3*b] = voters disagreeing with maj[b] (0..7)
    output wire [3:0]  unanimous,  // all 15 voters agree on bit b
    output wire [3:0]  close_call, // bit b decided by a margin of one vote (7 dissenters)
    output wire [14:0] dissent,    // voter v disagrees with maj in at least one bit
    output wire [4:0]  dis_total   // sum of the four disagreement counts (0..28)
);
    genvar b, v;
    generate
        for (b = 0; b < 4; b = b + 1) begin : g_bit
            wire [14:0] col;
            wire [3:0]  cnt;
            for (v = 0; v < 15; v = v + 1) begin : g_col
                assign col[v] = votes[4*v + b];
            end
            majority_vote15_cnt15 u_cnt (.x(col), .n(cnt));
            assign maj[b] = cnt[3];                          // cnt >= 8
            // minority size: cnt when maj = 0, 15 - cnt (= ~cnt in 3 bits) when maj = 1
            assign dis[3*b +: 3]  = cnt[2:0] ^ {3{cnt[3]}};
            assign unanimous[b]   = (dis[3*b +: 3] == 3'd0);
            assign close_call[b]  = (dis[3*b +: 3] == 3'd7);
        end
        for (v = 0; v < 15; v = v + 1) begin : g_voter
            assign dissent[v] = |(votes[4*v +: 4] ^ maj);
        end
    endgenerate
    assign dis_total = {2'b00, dis[2:0]} + {2'b00, dis[5:3]} + {2'b00, dis[8:6]} + {2'b00, dis[11:9]};
endmodule
