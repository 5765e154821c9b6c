// fp16_add: simplified IEEE-754 half-precision adder/subtractor: swap/align with sticky, add/sub, LZC normalise, round-nearest-even, denormal flush, inf/NaN flags
module fp16_add (
    input  wire [15:0] a,
    input  wire [15:0] b,
    input  wire        sub,        // 1: a - b
    output reg  [15:0] y,
    output reg         f_nan,      // invalid: NaN operand or inf - inf (y = 0x7E00)
    output reg         f_inf,      // result is infinite (operand inf or overflow)
    output reg         f_ovf,      // finite operands overflowed to infinity
    output reg         f_unf,      // non-zero result flushed to zero
    output reg         f_zero,     // result is (signed) zero
    output reg         f_inexact   // rounding discarded non-zero bits
);
    // leading-zero count of a 14-bit value (14 when zero)
    function [3:0] lzc14;
        input [13:0] v;
        integer i;
        reg found;
        begin
            lzc14 = 4'd14;
            found = 1'b0;
            for (i = 13; i >= 0; i = i - 1) begin
                if (!found && v[i]) begin
                    lzc14 = 13 - i;
                    found = 1'b1;
                end
            end
        end
    endfunction

    reg        sa, sb, sx, sy, eff_sub, swap;
    reg [4:0]  ea, eb, ex, ey, d;
    reg [9:0]  fa, fb;
    reg        a_z, b_z, a_inf, b_inf, a_nan, b_nan;
    reg [14:0] mag_a, mag_b;
    reg [13:0] mx, my, al;
    reg [3:0]  dd, lz;
    reg [27:0] ext;
    reg [14:0] r;
    reg [13:0] n;
    reg [6:0]  e;           // two's-complement working exponent
    reg        g, rs, inc;
    reg [11:0] mr;
    reg [9:0]  frac;

    always @* begin
        sa = a[15];       ea = a[14:10]; fa = a[9:0];
        sb = b[15] ^ sub; eb = b[14:10]; fb = b[9:0];
        a_z   = (ea == 5'd0);                      // zero or denormal: flushed
        b_z   = (eb == 5'd0);
        a_inf = (ea == 5'd31) && (fa == 10'd0);
        b_inf = (eb == 5'd31) && (fb == 10'd0);
        a_nan = (ea == 5'd31) && (fa != 10'd0);
        b_nan = (eb == 5'd31) && (fb != 10'd0);

        mag_a = a_z ? 15'd0 : a[14:0];
        mag_b = b_z ? 15'd0 : b[14:0];
        swap  = (mag_b > mag_a);

        // x: larger magnitude, y: smaller magnitude; 1.frac followed by G,R,S
        if (swap) begin
            sx = sb; ex = eb; mx = b_z ? 14'd0 : {1'b1, fb, 3'b000};
            sy = sa; ey = ea; my = a_z ? 14'd0 : {1'b1, fa, 3'b000};
        end else begin
            sx = sa; ex = ea; mx = a_z ? 14'd0 : {1'b1, fa, 3'b000};
            sy = sb; ey = eb; my = b_z ? 14'd0 : {1'b1, fb, 3'b000};
        end
        eff_sub = sx ^ sy;

        // alignment shift with sticky
        d   = ex - ey;
        dd  = (d > 5'd14) ? 4'd14 : d[3:0];
        ext = {my, 14'd0} >> dd;
        al  = ext[27:14];
        al[0] = al[0] | (|ext[13:0]);

        // significand add / subtract (|x| >= |y| so no negative result)
        if (eff_sub)
            r = {1'b0, mx} - {1'b0, al};
        else
            r = {1'b0, mx} + {1'b0, al};

        // normalise
        lz = lzc14(r[13:0]);
        if (r[14]) begin
            n = {r[14:2], r[1] | r[0]};
            e = {2'b00, ex} + 7'd1;
        end else begin
            n = r[13:0] << lz;
            e = {2'b00, ex} - {3'b000, lz};
        end

        // round to nearest, ties to even
        g   = n[2];
        rs  = n[1] | n[0];
        inc = g & (rs | n[3]);
        mr  = {1'b0, n[13:3]} + {11'd0, inc};
        if (mr[11]) begin
            e    = e + 7'd1;
            frac = mr[10:1];
        end else begin
            frac = mr[9:0];
        end

        // result selection
        f_nan = 1'b0; f_inf = 1'b0; f_ovf = 1'b0; f_unf = 1'b0; f_zero = 1'b0; f_inexact = 1'b0;
        if (a_nan || b_nan || (a_inf && b_inf && (sa ^ sb))) begin
            y     = 16'h7E00;
            f_nan = 1'b1;
        end else if (a_inf || b_inf) begin
            y     = {(a_inf ? sa : sb), 5'd31, 10'd0};
            f_inf = 1'b1;
        end else if (mx == 14'd0) begin
            y      = {sa & sb, 15'd0};                  // both operands zero
            f_zero = 1'b1;
        end else if (r == 15'd0) begin
            y      = 16'h0000;                          // exact cancellation: +0
            f_zero = 1'b1;
        end else if (!e[6] && (e[5:0] >= 6'd31)) begin
            y         = {sx, 5'd31, 10'd0};
            f_inf     = 1'b1;
            f_ovf     = 1'b1;
            f_inexact = 1'b1;
        end else if (e[6] || (e == 7'd0)) begin
            y         = {sx, 15'd0};
            f_unf     = 1'b1;
            f_zero    = 1'b1;
            f_inexact = 1'b1;
        end else begin
            y         = {sx, e[4:0], frac};
            f_inexact = g | rs;
        end
    end
endmodule
