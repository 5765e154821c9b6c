// minmax8x16: 8-way 16-bit signed/unsigned min and max finder with winner indices (tournament tree)
module minmax8x16_node (
    input  wire [15:0] a_min, a_max,
    input  wire [2:0]  a_imin, a_imax,
    input  wire [15:0] b_min, b_max,
    input  wire [2:0]  b_imin, b_imax,
    input  wire        is_signed,
    output wire [15:0] o_min, o_max,
    output wire [2:0]  o_imin, o_imax
);
    // ties go to the lower index (a side)
    wire [15:0] bmin_x = {b_min[15] ^ is_signed, b_min[14:0]};
    wire [15:0] amin_x = {a_min[15] ^ is_signed, a_min[14:0]};
    wire [15:0] bmax_x = {b_max[15] ^ is_signed, b_max[14:0]};
    wire [15:0] amax_x = {a_max[15] ^ is_signed, a_max[14:0]};
    wire take_b_min = bmin_x < amin_x;
    wire take_b_max = bmax_x > amax_x;
    assign o_min  = take_b_min ? b_min  : a_min;
    assign o_imin = take_b_min ? b_imin : a_imin;
    assign o_max  = take_b_max ? b_max  : a_max;
    assign o_imax = take_b_max ? b_imax : a_imax;
endmodule

module minmax8x16 (
    input  wire [127:0] data,      // 8 lanes of 16 bits, lane i at [16*i +: 16]
    input  wire         is_signed,
    output wire [15:0]  min_val,
    output wire [2:0]   min_idx,
    output wire [15:0]  max_val,
    output wire [2:0]   max_idx
);
    // heap-ordered tree nodes: leaves 8..15, root 1
    wire [16*16-1:0] vmin, vmax;
    wire [3*16-1:0]  imin, imax;

    genvar n;
    generate
        for (n = 0; n < 8; n = n + 1) begin : g_leaf
            assign vmin[16*(8+n) +: 16] = data[16*n +: 16];
            assign vmax[16*(8+n) +: 16] = data[16*n +: 16];
            assign imin[3*(8+n) +: 3]   = n;
            assign imax[3*(8+n) +: 3]   = n;
        end
        for (n = 1; n < 8; n = n + 1) begin : g_node
            minmax8x16_node u_node (
                .a_min(vmin[16*(2*n) +: 16]),   .a_max(vmax[16*(2*n) +: 16]),
                .a_imin(imin[3*(2*n) +: 3]),    .a_imax(imax[3*(2*n) +: 3]),
                .b_min(vmin[16*(2*n+1) +: 16]), .b_max(vmax[16*(2*n+1) +: 16]),
                .b_imin(imin[3*(2*n+1) +: 3]),  .b_imax(imax[3*(2*n+1) +: 3]),
                .is_signed(is_signed),
                .o_min(vmin[16*n +: 16]), .o_max(vmax[16*n +: 16]),
                .o_imin(imin[3*n +: 3]),  .o_imax(imax[3*n +: 3])
            );
        end
    endgenerate
    assign vmin[15:0] = 16'd0;
    assign vmax[15:0] = 16'd0;
    assign imin[2:0]  = 3'd0;
    assign imax[2:0]  = 3'd0;

    assign min_val = vmin[16 +: 16];
    assign max_val = vmax[16 +: 16];
    assign min_idx = imin[3 +: 3];
    assign max_idx = imax[3 +: 3];
endmodule
