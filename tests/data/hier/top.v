// Hierarchical test design: an include file, a parameterised leaf and a generate loop.
`include "widths.vh"
module lane #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W-1:0] s, output c);
    assign {c, s} = a + b;
endmodule

module hier_top #(parameter W = 4) (
    input  [`LANES*W-1:0] a,
    input  [`LANES*W-1:0] b,
    output [`LANES*W-1:0] s,
    output                any_carry
);
    wire [`LANES-1:0] c;
    genvar i;
    generate
        for (i = 0; i < `LANES; i = i + 1) begin : g
            lane #(.W(W)) u (.a(a[i*W +: W]), .b(b[i*W +: W]), .s(s[i*W +: W]), .c(c[i]));
        end
    endgenerate
    assign any_carry = |c;
endmodule
