// Sequential test design: accumulator with an asynchronous active-low reset and a saturating flag.
module seq_async #(parameter W = 6) (
    input              clk,
    input              rst_n,
    input              en,
    input  [W-1:0]     d,
    output reg [W-1:0] acc,
    output reg         sat
);
    wire [W:0] sum = {1'b0, acc} + {1'b0, d};
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            acc <= {W{1'b0}};
            sat <= 1'b0;
        end else if (en) begin
            acc <= sum[W] ? {W{1'b1}} : sum[W-1:0];
            sat <= sum[W];
        end
    end
endmodule
