// mux_tree32x8: 32:1 multiplexer of 8-bit words, 5-bit select: 2:1-mux tree for words 0-15, one-hot AND-OR for words 16-31, enable and combinational output-valid flag
module mux_tree32x8_mux2 (
    input  wire       s,
    input  wire [8:0] a,
    input  wire [8:0] b,
    output wire [8:0] y
);
    assign y = s ? b : a;
endmodule

module mux_tree32x8 (
    input  wire [255:0] din,      // word i = din[8*i+7 : 8*i]
    input  wire [31:0]  din_vld,  // per-word valid bits, routed with the data
    input  wire [4:0]   sel,
    input  wire         en,
    output wire [7:0]   dout,
    output wire         dout_vld
);
    // low half (words 0..15): four levels of 2:1 muxes on {valid, data}
    wire [9*16-1:0] l0;
    wire [9*8-1:0]  l1;
    wire [9*4-1:0]  l2;
    wire [9*2-1:0]  l3;
    wire [8:0]      lo;
    // high half (words 16..31): one-hot decode of sel[3:0] and an AND-OR plane
    reg  [15:0]     oh;
    reg  [8:0]      hi;

    genvar i;
    generate
        for (i = 0; i < 16; i = i + 1) begin : g_leaf
            assign l0[9*i +: 9] = {din_vld[i], din[8*i +: 8]};
        end
        for (i = 0; i < 8; i = i + 1) begin : g_l1
            mux_tree32x8_mux2 u (.s(sel[0]), .a(l0[18*i +: 9]), .b(l0[18*i+9 +: 9]), .y(l1[9*i +: 9]));
        end
        for (i = 0; i < 4; i = i + 1) begin : g_l2
            mux_tree32x8_mux2 u (.s(sel[1]), .a(l1[18*i +: 9]), .b(l1[18*i+9 +: 9]), .y(l2[9*i +: 9]));
        end
        for (i = 0; i < 2; i = i + 1) begin : g_l3
            mux_tree32x8_mux2 u (.s(sel[2]), .a(l2[18*i +: 9]), .b(l2[18*i+9 +: 9]), .y(l3[9*i +: 9]));
        end
    endgenerate
    mux_tree32x8_mux2 u_lo (.s(sel[3]), .a(l3[8:0]), .b(l3[17:9]), .y(lo));

    integer k;
    always @(*) begin
        oh = 16'd0;
        oh[sel[3:0]] = 1'b1;
        hi = 9'd0;
        for (k = 0; k < 16; k = k + 1)
            hi = hi | ({9{oh[k]}} & {din_vld[16+k], din[8*(16+k) +: 8]});
    end

    wire [8:0] y = sel[4] ? hi : lo;
    assign dout     = en ? y[7:0] : 8'h00;
    assign dout_vld = en & y[8];
endmodule
