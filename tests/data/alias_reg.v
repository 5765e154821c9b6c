// A register seen under several names (an alias wire and a submodule port) and a registered output port.
module alias_sub(input clk, input d, output reg q);
    always @(posedge clk) q <= d;
endmodule
module alias_reg(input clk, input a, input b, output out, output reg r, output sq);
    reg q;
    wire q_alias = q;
    assign out = q_alias ^ a;
    always @(posedge clk) begin
        q <= a & b;
        r <= q | b;
    end
    alias_sub u (.clk(clk), .d(a ^ b), .q(sq));
endmodule
