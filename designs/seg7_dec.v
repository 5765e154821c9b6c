// seg7_dec: 4-digit hexadecimal to 7-segment display decoder with leading-zero blanking, decimal points and 4-to-16 one-hot digit decode
module seg7_dec_digit (
    input  wire [3:0] hex,
    input  wire       blank,
    output reg  [6:0] seg      // {g,f,e,d,c,b,a}, active high
);
    always @(*) begin
        if (blank) seg = 7'b0000000;
        else begin
            case (hex)
                4'h0: seg = 7'b0111111;
                4'h1: seg = 7'b0000110;
                4'h2: seg = 7'b1011011;
                4'h3: seg = 7'b1001111;
                4'h4: seg = 7'b1100110;
                4'h5: seg = 7'b1101101;
                4'h6: seg = 7'b1111101;
                4'h7: seg = 7'b0000111;
                4'h8: seg = 7'b1111111;
                4'h9: seg = 7'b1101111;
                4'hA: seg = 7'b1110111;
                4'hB: seg = 7'b1111100;
                4'hC: seg = 7'b0111001;
                4'hD: seg = 7'b1011110;
                4'hE: seg = 7'b1111001;
                default: seg = 7'b1110001;   // F
            endcase
        end
    end
endmodule

module seg7_dec (
    input  wire [15:0] value,
    input  wire [3:0]  dp_in,          // decimal point per digit
    input  wire        blank_zeros,    // suppress leading zeros
    input  wire        common_anode,   // invert segment polarity
    input  wire [3:0]  onehot_sel,     // 4-to-16 one-hot decoder input
    output wire [31:0] segs,           // digit d at [8*d +: 8] = {dp, g..a}
    output wire [15:0] onehot
);
    wire [3:0] nz;
    assign nz[3] = |value[15:12];
    assign nz[2] = nz[3] | (|value[11:8]);
    assign nz[1] = nz[2] | (|value[7:4]);
    assign nz[0] = 1'b1;   // the last digit is always shown

    genvar d;
    generate
        for (d = 0; d < 4; d = d + 1) begin : g_digit
            wire [6:0] s;
            seg7_dec_digit u_dig (.hex(value[4*d +: 4]), .blank(blank_zeros & ~nz[d]), .seg(s));
            assign segs[8*d +: 8] = {dp_in[d], s} ^ {8{common_anode}};
        end
        for (d = 0; d < 16; d = d + 1) begin : g_oh
            assign onehot[d] = (onehot_sel == d);
        end
    endgenerate
endmodule
