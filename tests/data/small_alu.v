// A small 8-bit ALU slice used by the tests (add/sub/compare/logic).
module small_alu (
    input  [7:0] a,
    input  [7:0] b,
    input  [1:0] op,
    output reg [8:0] y,
    output       eq,
    output       lt
);
    assign eq = (a == b);
    assign lt = (a < b);
    always @* begin
        case (op)
            2'd0: y = a + b;
            2'd1: y = {1'b0, a} - {1'b0, b};
            2'd2: y = {1'b0, a & b} ^ {1'b0, a | b};
            default: y = {1'b0, (a >> 1) ^ b};
        endcase
    end
endmodule
