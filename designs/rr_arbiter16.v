// rr_arbiter16: 16-requester round-robin arbiter (combinational grant from a priority mask, two parallel-prefix find-first-set units)
module rr_arbiter16_ffs (
    input  wire [15:0] x,
    output wire [15:0] onehot,   // lowest set bit of x
    output wire        any
);
    // prefix OR from the LSB side (Kogge-Stone style): pre[i] = |x[i-1:0]
    wire [16*5-1:0] p;
    assign p[15:0] = {x[14:0], 1'b0};
    genvar l, i;
    generate
        for (l = 0; l < 4; l = l + 1) begin : g_lvl
            for (i = 0; i < 16; i = i + 1) begin : g_bit
                if (i >= (1 << l)) begin : g_or
                    assign p[(l+1)*16 + i] = p[l*16 + i] | p[l*16 + i - (1 << l)];
                end else begin : g_pass
                    assign p[(l+1)*16 + i] = p[l*16 + i];
                end
            end
        end
    endgenerate
    assign onehot = x & ~p[4*16 +: 16];
    assign any    = p[4*16 + 15] | x[15];
endmodule

module rr_arbiter16 (
    input  wire [15:0] req,
    input  wire [15:0] mask,     // thermometer mask: requesters above the last grant have priority
    output wire [15:0] grant,
    output wire [3:0]  grant_idx,
    output wire        grant_valid,
    output wire [15:0] next_mask // mask to use after this grant
);
    wire [15:0] g_masked, g_plain;
    wire        any_masked, any_plain;

    rr_arbiter16_ffs u_masked (.x(req & mask), .onehot(g_masked), .any(any_masked));
    rr_arbiter16_ffs u_plain  (.x(req),        .onehot(g_plain),  .any(any_plain));

    assign grant       = any_masked ? g_masked : g_plain;
    assign grant_valid = any_plain;

    // one-hot to binary
    genvar b;
    generate
        for (b = 0; b < 4; b = b + 1) begin : g_enc
            wire [15:0] sel;
            genvar k;
            for (k = 0; k < 16; k = k + 1) begin : g_k
                assign sel[k] = ((k >> b) & 1) ? grant[k] : 1'b0;
            end
            assign grant_idx[b] = |sel;
        end
    endgenerate

    // next mask: all positions strictly above the granted one (keep the old mask when idle)
    wire [15:0] upto;   // bits 0..grant_idx set
    generate
        for (b = 0; b < 16; b = b + 1) begin : g_mask
            assign upto[b] = |(grant & ~((16'd1 << b) - 16'd1));
        end
    endgenerate
    assign next_mask = grant_valid ? ~upto : mask;
endmodule
