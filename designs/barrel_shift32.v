// barrel_shift32: 32-bit logarithmic barrel shifter: SLL, SRL, SRA, ROL, ROR with zero flag
module barrel_shift32 (
    input  wire [31:0] din,
    input  wire [4:0]  shamt,
    input  wire [2:0]  op,      // 0: SLL, 1: SRL, 2: SRA, 3: ROL, 4: ROR, others: pass
    output wire [31:0] dout,
    output wire        zero
);
    localparam OP_SLL = 3'd0, OP_SRL = 3'd1, OP_SRA = 3'd2, OP_ROL = 3'd3, OP_ROR = 3'd4;

    // left operations are done as right operations on the bit-reversed word
    wire left   = (op == OP_SLL) | (op == OP_ROL);
    wire rotate = (op == OP_ROL) | (op == OP_ROR);
    wire arith  = (op == OP_SRA);
    wire valid  = (op <= OP_ROR);

    function [31:0] rev32;
        input [31:0] x;
        integer k;
        begin
            for (k = 0; k < 32; k = k + 1)
                rev32[k] = x[31-k];
        end
    endfunction

    wire        fill = arith & din[31];
    wire [31:0] s0   = left ? rev32(din) : din;
    wire [32*6-1:0] st;
    assign st[31:0] = s0;

    genvar l, i;
    generate
        for (l = 0; l < 5; l = l + 1) begin : g_lvl
            for (i = 0; i < 32; i = i + 1) begin : g_bit
                wire from;
                if (i + (1 << l) < 32) begin : g_in
                    assign from = st[l*32 + i + (1 << l)];
                end else begin : g_wrap
                    // bits shifted in at the top: wrapped bits for rotates, fill otherwise
                    assign from = rotate ? st[l*32 + i + (1 << l) - 32] : fill;
                end
                assign st[(l+1)*32 + i] = shamt[l] ? from : st[l*32 + i];
            end
        end
    endgenerate

    wire [31:0] res = left ? rev32(st[5*32 +: 32]) : st[5*32 +: 32];
    assign dout = valid ? res : din;
    assign zero = ~|dout;
endmodule
