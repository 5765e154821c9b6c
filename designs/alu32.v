// alu32: 32-bit integer ALU (add, sub, and, or, xor, nor, slt, sltu, sll, srl, sra, lui) with zero/negative/carry/overflow flags
module alu32 (
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire [3:0]  op,
    output reg  [31:0] y,
    output wire        zero,
    output wire        negative,
    output wire        carry,
    output wire        overflow
);
    localparam OP_ADD  = 4'd0,  OP_SUB  = 4'd1,  OP_AND = 4'd2,  OP_OR   = 4'd3,
               OP_XOR  = 4'd4,  OP_NOR  = 4'd5,  OP_SLT = 4'd6,  OP_SLTU = 4'd7,
               OP_SLL  = 4'd8,  OP_SRL  = 4'd9,  OP_SRA = 4'd10, OP_LUI  = 4'd11;

    // one shared adder for add/sub/compare
    wire        sub   = (op == OP_SUB) | (op == OP_SLT) | (op == OP_SLTU);
    wire [31:0] b_eff = sub ? ~b : b;
    wire [32:0] sum   = {1'b0, a} + {1'b0, b_eff} + {32'd0, sub};
    wire        ovf   = (a[31] == b_eff[31]) & (sum[31] != a[31]);
    wire        slt   = sum[31] ^ ovf;
    wire        sltu  = ~sum[32];

    wire [4:0]  sh   = b[4:0];
    wire [31:0] sra_r = $signed(a) >>> sh;

    always @(*) begin
        case (op)
            OP_ADD, OP_SUB: y = sum[31:0];
            OP_AND:  y = a & b;
            OP_OR:   y = a | b;
            OP_XOR:  y = a ^ b;
            OP_NOR:  y = ~(a | b);
            OP_SLT:  y = {31'd0, slt};
            OP_SLTU: y = {31'd0, sltu};
            OP_SLL:  y = a << sh;
            OP_SRL:  y = a >> sh;
            OP_SRA:  y = sra_r;
            OP_LUI:  y = {b[19:0], 12'd0};
            default: y = 32'd0;
        endcase
    end

    assign zero     = ~|y;
    assign negative = y[31];
    assign carry    = sum[32] & ((op == OP_ADD) | (op == OP_SUB));
    assign overflow = ovf & ((op == OP_ADD) | (op == OP_SUB));
endmodule
