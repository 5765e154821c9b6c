// mac_pipe16: 3-stage pipelined 16x16 signed multiply-accumulate unit with 40-bit accumulator, clear/enable and saturating readout, async active-low reset
module mac_pipe16 (
    input  wire               clk,
    input  wire               rst_n,
    input  wire               in_valid,
    input  wire               acc_clear,   // start a new accumulation with this product
    input  wire signed [15:0] a,
    input  wire signed [15:0] b,
    output reg  signed [39:0] acc,
    output reg                acc_valid,
    output wire signed [31:0] acc_sat      // accumulator saturated to 32 bits
);
    // stage 1: operand registers
    reg signed [15:0] a_r, b_r;
    reg               v1, clr1;
    // stage 2: product register
    reg signed [31:0] prod;
    reg               v2, clr2;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            a_r <= 16'sd0; b_r <= 16'sd0; v1 <= 1'b0; clr1 <= 1'b0;
            prod <= 32'sd0; v2 <= 1'b0; clr2 <= 1'b0;
            acc <= 40'sd0; acc_valid <= 1'b0;
        end else begin
            v1 <= in_valid;
            if (in_valid) begin
                a_r  <= a;
                b_r  <= b;
                clr1 <= acc_clear;
            end
            v2 <= v1;
            if (v1) begin
                prod <= a_r * b_r;
                clr2 <= clr1;
            end
            acc_valid <= v2;
            if (v2) acc <= clr2 ? {{8{prod[31]}}, prod} : acc + {{8{prod[31]}}, prod};
        end
    end

    wire pos_ovf = ~acc[39] & (|acc[38:31]);
    wire neg_ovf =  acc[39] & ~(&acc[38:31]);
    assign acc_sat = pos_ovf ? 32'sh7fffffff : neg_ovf ? 32'sh80000000 : acc[31:0];
endmodule
