// sat_addsub16: 16-bit signed saturating adder/subtractor with optional clamping, signed overflow/carry/zero flags and |a-b| absolute-difference output
module sat_addsub16 (
    input  wire [15:0] a,
    input  wire [15:0] b,
    input  wire        sub,       // 1: a - b, 0: a + b
    input  wire        sat_en,    // 1: clamp to 0x7FFF / 0x8000 on signed overflow
    output reg  [15:0] y,
    output wire [15:0] raw,       // wrapped (modular) result
    output wire        ovf,       // signed overflow of the selected operation
    output wire        ovf_pos,   // overflow towards +inf
    output wire        ovf_neg,   // overflow towards -inf
    output wire        carry,     // unsigned carry out (add) / no-borrow (sub)
    output wire        zero,      // y == 0
    output wire        neg,       // y < 0
    output wire [15:0] absdiff,   // |a - b| as an unsigned 16-bit value (signed operands)
    output wire        a_lt_b     // signed a < b
);
    wire [15:0] bx  = b ^ {16{sub}};
    wire [16:0] sum = {1'b0, a} + {1'b0, bx} + {16'd0, sub};

    assign raw     = sum[15:0];
    assign carry   = sum[16];
    assign ovf     = (a[15] == bx[15]) && (sum[15] != a[15]);
    assign ovf_pos = ovf & ~a[15];
    assign ovf_neg = ovf &  a[15];

    always @* begin
        if (sat_en && ovf_pos)
            y = 16'h7FFF;
        else if (sat_en && ovf_neg)
            y = 16'h8000;
        else
            y = sum[15:0];
    end

    assign zero = (y == 16'd0);
    assign neg  = y[15];

    // 17-bit signed difference, never overflows
    wire [16:0] diff = {a[15], a} - {b[15], b};
    wire [16:0] ndiff = 17'd0 - diff;
    assign a_lt_b  = diff[16];
    assign absdiff = diff[16] ? ndiff[15:0] : diff[15:0];
endmodule
