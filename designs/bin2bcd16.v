// bin2bcd16: combinational 16-bit binary to 5-digit BCD converter (unrolled double-dabble / shift-and-add-3)
module bin2bcd16 (
    input  wire [15:0] bin,
    output wire [19:0] bcd,       // digit d at [4*d +: 4]
    output wire [4:0]  nz_digit   // non-zero digit flags (for leading-zero blanking)
);
    reg [35:0] sr;   // {bcd[19:0], bin[15:0]}
    integer i, d;
    always @(*) begin
        sr = {20'd0, bin};
        for (i = 0; i < 16; i = i + 1) begin
            // add 3 to every BCD digit that is 5 or more, then shift left
            for (d = 0; d < 5; d = d + 1)
                if (sr[16 + 4*d +: 4] >= 4'd5)
                    sr[16 + 4*d +: 4] = sr[16 + 4*d +: 4] + 4'd3;
            sr = sr << 1;
        end
    end
    assign bcd = sr[35:16];

    genvar g;
    generate
        for (g = 0; g < 5; g = g + 1) begin : g_nz
            assign nz_digit[g] = |bcd[4*g +: 4];
        end
    endgenerate
endmodule
