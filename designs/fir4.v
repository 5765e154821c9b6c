// fir4: 4-tap FIR filter, 8-bit signed samples, constant coefficients (-3, 19, 19, -3)/32, delay line and registered rounded output, async active-low reset
module fir4_cmul #(
    parameter integer C = 1
) (
    input  wire signed [7:0]  x,
    output wire signed [13:0] y
);
    assign y = x * C;   // constant multiply: becomes shift-and-add logic
endmodule

module fir4 (
    input  wire              clk,
    input  wire              rst_n,
    input  wire              in_valid,
    input  wire signed [7:0] x,
    output reg               out_valid,
    output reg  signed [7:0] y,          // saturated, rounded result
    output reg  signed [15:0] y_full     // full-precision sum
);
    localparam integer H0 = -3, H1 = 19, H2 = 19, H3 = -3;

    reg signed [7:0] d0, d1, d2, d3;   // delay line (d0 = newest)

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            d0 <= 8'sd0; d1 <= 8'sd0; d2 <= 8'sd0; d3 <= 8'sd0;
        end else if (in_valid) begin
            d0 <= x; d1 <= d0; d2 <= d1; d3 <= d2;
        end
    end

    wire signed [13:0] p0, p1, p2, p3;
    fir4_cmul #(.C(H0)) u_m0 (.x(d0), .y(p0));
    fir4_cmul #(.C(H1)) u_m1 (.x(d1), .y(p1));
    fir4_cmul #(.C(H2)) u_m2 (.x(d2), .y(p2));
    fir4_cmul #(.C(H3)) u_m3 (.x(d3), .y(p3));

    wire signed [15:0] acc = p0 + p1 + p2 + p3;
    // round to nearest (divide by 32) and saturate to 8 bits
    wire signed [15:0] rnd = (acc + 16'sd16) >>> 5;
    wire signed [7:0]  sat = (rnd > 16'sd127) ? 8'sd127 : (rnd < -16'sd128) ? -8'sd128 : rnd[7:0];

    reg vld_d;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            vld_d     <= 1'b0;
            out_valid <= 1'b0;
            y         <= 8'sd0;
            y_full    <= 16'sd0;
        end else begin
            vld_d     <= in_valid;
            out_valid <= vld_d;
            if (vld_d) begin
                y      <= sat;
                y_full <= acc;
            end
        end
    end
endmodule
