// cordic16: eight unrolled 16-bit CORDIC rotation-mode iterations (x, y, residual angle z in Q2.13 radians)
module cordic16_iter #(
    parameter       I    = 0,           // iteration index: shift amount
    parameter [15:0] ATAN = 16'd0       // atan(2^-I) in Q2.13
) (
    input  wire signed [15:0] x_in,
    input  wire signed [15:0] y_in,
    input  wire signed [15:0] z_in,
    output wire signed [15:0] x_out,
    output wire signed [15:0] y_out,
    output wire signed [15:0] z_out
);
    wire               dneg = z_in[15];           // rotate clockwise when the residual angle is negative
    wire signed [15:0] xs   = x_in >>> I;
    wire signed [15:0] ys   = y_in >>> I;
    assign x_out = dneg ? x_in + ys : x_in - ys;
    assign y_out = dneg ? y_in - xs : y_in + xs;
    assign z_out = dneg ? z_in + $signed(ATAN) : z_in - $signed(ATAN);
endmodule

module cordic16 (
    input  wire signed [15:0] x_in,
    input  wire signed [15:0] y_in,
    input  wire signed [15:0] z_in,     // angle in [-pi/2, pi/2], Q2.13
    output wire signed [15:0] x_out,    // K * (x cos z - y sin z), K ~ 1.6468
    output wire signed [15:0] y_out,
    output wire signed [15:0] z_out     // residual angle
);
    // atan(2^-i) * 2^13, rounded: i = 0..7 -> 6434, 3798, 2007, 1019, 511, 256, 128, 64
    localparam [16*8-1:0] ATANS = {16'd64, 16'd128, 16'd256, 16'd511, 16'd1019, 16'd2007, 16'd3798, 16'd6434};

    wire [16*9-1:0] xs, ys, zs;
    assign xs[15:0] = x_in;
    assign ys[15:0] = y_in;
    assign zs[15:0] = z_in;

    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : g_iter
            cordic16_iter #(.I(i), .ATAN(ATANS[16*i +: 16])) u_it (
                .x_in (xs[16*i +: 16]), .y_in (ys[16*i +: 16]), .z_in (zs[16*i +: 16]),
                .x_out(xs[16*(i+1) +: 16]), .y_out(ys[16*(i+1) +: 16]), .z_out(zs[16*(i+1) +: 16])
            );
        end
    endgenerate

    assign x_out = xs[16*8 +: 16];
    assign y_out = ys[16*8 +: 16];
    assign z_out = zs[16*8 +: 16];
endmodule
