// gray_conv16: 16-bit binary-to-Gray and Gray-to-binary converters side by side, plus a direct Gray-domain up/down step (parity rule) with wrap flag
module gray_conv16 (
    input  wire [15:0] bin_in,
    input  wire [15:0] gray_in,
    input  wire        down,       // 0: step gray_in up by one, 1: step it down by one
    output wire [15:0] gray_out,   // bin2gray(bin_in)
    output wire [15:0] bin_out,    // gray2bin(gray_in)
    output reg  [15:0] gray_step,  // gray_in +/- 1 in Gray order, computed without leaving the Gray domain
    output wire        wrap,       // the step wrapped around (all-ones <-> zero in binary)
    output wire        parity      // parity of gray_in (= bin_out[0])
);
    assign gray_out = bin_in ^ {1'b0, bin_in[15:1]};

    // Gray to binary: b[i] = XOR of g[15:i], built as a serial chain from the MSB
    assign bin_out[15] = gray_in[15];
    genvar i;
    generate
        for (i = 14; i >= 0; i = i - 1) begin : g_g2b
            assign bin_out[i] = bin_out[i+1] ^ gray_in[i];
        end
    endgenerate
    assign parity = bin_out[0];

    // Gray step: toggle bit 0 when (parity == down); otherwise toggle the bit just above the
    // lowest set bit (the MSB when that lowest set bit is already the MSB, or when there is none).
    // lowbit = one-hot lowest set bit of gray_in (0 when gray_in == 0)
    wire [15:0] lowbit = gray_in & (~gray_in + 16'd1);
    wire        flip0  = (parity == down);
    wire [15:0] above  = {lowbit[14:0], 1'b0};   // bit above the lowest set bit
    wire        at_top = lowbit[15] | (gray_in == 16'h0000);

    always @(*) begin
        if (flip0)
            gray_step = gray_in ^ 16'h0001;
        else if (at_top)
            gray_step = gray_in ^ 16'h8000;
        else
            gray_step = gray_in ^ above;
    end

    // wrap: up from gray(0xFFFF) = 0x8000, or down from 0
    assign wrap = down ? (gray_in == 16'h0000) : (gray_in == 16'h8000);
endmodule
