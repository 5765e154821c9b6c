// isqrt32: combinational 32-bit integer square root (digit-by-digit restoring method, 16 unrolled stages) with remainder
module isqrt32_stage #(
    parameter RW = 18   // partial-remainder width
) (
    input  wire [RW-1:0] rem_in,
    input  wire [15:0]   root_in,
    input  wire [1:0]    pair,      // next two radicand bits
    output wire [RW-1:0] rem_out,
    output wire [15:0]   root_out
);
    wire [RW-1:0] cur   = {rem_in[RW-3:0], pair};
    wire [RW-1:0] trial = {root_in[RW-3:0], 2'b01};   // 4*root + 1
    wire [RW:0]   diff  = {1'b0, cur} - {1'b0, trial};
    wire          ok    = ~diff[RW];
    assign rem_out  = ok ? diff[RW-1:0] : cur;
    assign root_out = {root_in[14:0], ok};
endmodule

module isqrt32 (
    input  wire [31:0] radicand,
    output wire [15:0] root,
    output wire [16:0] remainder   // radicand - root*root (<= 2*root)
);
    localparam RW = 18;
    wire [RW*17-1:0] rem;
    wire [16*17-1:0] rt;
    assign rem[RW-1:0] = {RW{1'b0}};
    assign rt[15:0]    = 16'd0;

    genvar i;
    generate
        for (i = 0; i < 16; i = i + 1) begin : g_stage
            isqrt32_stage #(.RW(RW)) u_stage (
                .rem_in  (rem[i*RW +: RW]),
                .root_in (rt[i*16 +: 16]),
                .pair    (radicand[31-2*i -: 2]),
                .rem_out (rem[(i+1)*RW +: RW]),
                .root_out(rt[(i+1)*16 +: 16])
            );
        end
    endgenerate

    assign root      = rt[16*16 +: 16];
    assign remainder = rem[16*RW +: 17];
endmodule
