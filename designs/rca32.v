// rca32: 32-bit ripple-carry adder built from a chain of full-adder cells, with carry-out and signed overflow
module rca32_fa (
    input  wire a,
    input  wire b,
    input  wire ci,
    output wire s,
    output wire co
);
    wire axb = a ^ b;
    assign s  = axb ^ ci;
    assign co = (a & b) | (axb & ci);
endmodule

module rca32 (
    input  wire [31:0] a,
    input  wire [31:0] b,
    input  wire        cin,
    output wire [31:0] sum,
    output wire        cout,
    output wire        ovf
);
    wire [32:0] c;
    assign c[0] = cin;

    genvar i;
    generate
        for (i = 0; i < 32; i = i + 1) begin : g_bit
            rca32_fa u_fa (
                .a (a[i]),
                .b (b[i]),
                .ci(c[i]),
                .s (sum[i]),
                .co(c[i+1])
            );
        end
    endgenerate

    assign cout = c[32];
    assign ovf  = c[32] ^ c[31];
endmodule
