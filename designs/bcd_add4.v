// bcd_add4: 4-digit packed-BCD adder/subtractor (nines' complement of B for subtract) with carry/borrow in and out, ripple of decimal digit adders, invalid-digit flag
module bcd_add4_digit (
    input  wire [3:0] a,
    input  wire [3:0] b,
    input  wire       ci,
    output wire [3:0] s,
    output wire       co
);
    // binary sum of two digits plus carry, then +6 correction when the sum exceeds 9
    wire [4:0] bin = {1'b0, a} + {1'b0, b} + {4'd0, ci};
    assign co = bin[4] | (bin[3] & (bin[2] | bin[1]));
    assign s  = bin[3:0] + {1'b0, co, co, 1'b0};
endmodule

module bcd_add4_nines (
    input  wire [3:0] d,
    output wire [3:0] n
);
    // 9 - d for a valid digit, written as logic: n = {~d3&~d2&~d1, d2^d1, d1, ~d0}
    assign n = {~d[3] & ~d[2] & ~d[1], d[2] ^ d[1], d[1], ~d[0]};
endmodule

module bcd_add4 (
    input  wire [15:0] a,        // 4 packed BCD digits, a[15:12] most significant
    input  wire [15:0] b,
    input  wire        sub,      // 1: a - b (ten's complement via nines' complement + carry)
    input  wire        cin,      // add: carry in; subtract: borrow in (active high)
    output wire [15:0] s,
    output wire        cout,     // add: decimal carry out; subtract: 1 = no borrow (a >= b + borrow in)
    output wire        borrow,   // subtract: result is negative (ten's complement shown in s)
    output wire        invalid,  // some digit of a or b is above 9
    output wire        zero      // s == 0000
);
    wire [15:0] bx;
    wire [4:0]  c;
    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_dig
            wire [3:0] nb;
            bcd_add4_nines u_n (.d(b[4*i +: 4]), .n(nb));
            assign bx[4*i +: 4] = sub ? nb : b[4*i +: 4];
            bcd_add4_digit u_d (.a(a[4*i +: 4]), .b(bx[4*i +: 4]), .ci(c[i]), .s(s[4*i +: 4]), .co(c[i+1]));
        end
    endgenerate
    // subtract: a + (9999 - b) + 1 - borrow_in
    assign c[0]    = sub ? ~cin : cin;
    assign cout    = c[4];
    assign borrow  = sub & ~c[4];

    function digit_bad;
        input [3:0] d;
        digit_bad = d[3] & (d[2] | d[1]);
    endfunction
    assign invalid = digit_bad(a[3:0])  | digit_bad(a[7:4])  | digit_bad(a[11:8])  | digit_bad(a[15:12]) |
                     digit_bad(b[3:0])  | digit_bad(b[7:4])  | digit_bad(b[11:8])  | digit_bad(b[15:12]);
    assign zero = (s == 16'h0000);
endmodule
