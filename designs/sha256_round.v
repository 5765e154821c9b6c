// sha256_round: one combinational SHA-256 compression round (working variables a..h, message word W, round constant K)
module sha256_round (
    input  wire [255:0] state_in,   // {a, b, c, d, e, f, g, h}, a in the top word
    input  wire [31:0]  w,
    input  wire [31:0]  k,
    output wire [255:0] state_out
);
    wire [31:0] a = state_in[255:224];
    wire [31:0] b = state_in[223:192];
    wire [31:0] c = state_in[191:160];
    wire [31:0] d = state_in[159:128];
    wire [31:0] e = state_in[127:96];
    wire [31:0] f = state_in[95:64];
    wire [31:0] g = state_in[63:32];
    wire [31:0] h = state_in[31:0];

    function [31:0] rotr;
        input [31:0] x;
        input integer n;
        begin
            rotr = (x >> n) | (x << (32 - n));
        end
    endfunction

    wire [31:0] big_sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    wire [31:0] big_sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    wire [31:0] ch         = (e & f) ^ (~e & g);
    wire [31:0] maj        = (a & b) ^ (a & c) ^ (b & c);

    wire [31:0] t1 = h + big_sigma1 + ch + k + w;
    wire [31:0] t2 = big_sigma0 + maj;

    assign state_out = {t1 + t2, a, b, c, d + t1, e, f, g};
endmodule
