// dotprod: parameterized signed dot-product unit (LANES multipliers + generate-built adder tree, optional output rounding); hierarchical, uses include/edaflow_dsp.vh
`include "edaflow_dsp.vh"

// signed W x W multiplier, modified Baugh-Wooley partial products summed row by row
module dotprod_mul #(
    parameter W = 8
) (
    input  wire [W-1:0]              a,
    input  wire [W-1:0]              b,
    output wire [`DSP_PROD_W(W)-1:0] p
);
    localparam PW = `DSP_PROD_W(W);
    // row i holds the running sum after adding partial product i
    wire [PW*(W+1)-1:0] acc;
    // correction constant 2^W + 2^(2W-1)
    assign acc[PW-1:0] = ({{(PW-1){1'b0}}, 1'b1} << W) | ({{(PW-1){1'b0}}, 1'b1} << (PW - 1));

    genvar i, j;
    generate
        for (i = 0; i < W; i = i + 1) begin : g_row
            wire [W-1:0] pp;
            for (j = 0; j < W; j = j + 1) begin : g_bit
                if ((i == W - 1) != (j == W - 1)) begin : g_inv
                    assign pp[j] = ~(a[j] & b[i]);
                end else begin : g_pos
                    assign pp[j] = a[j] & b[i];
                end
            end
            wire [PW-1:0] ppx = {{W{1'b0}}, pp} << i;
            assign acc[PW*(i+1) +: PW] = acc[PW*i +: PW] + ppx;
        end
    endgenerate
    assign p = acc[PW*W +: PW];
endmodule

module dotprod_add #(
    parameter W = 16   // input width; output is W+1
) (
    input  wire [W-1:0] x,
    input  wire [W-1:0] y,
    output wire [W:0]   s
);
    assign s = `DSP_SEXT(x, W, W + 1) + `DSP_SEXT(y, W, W + 1);
endmodule

module dotprod #(
    parameter WIDTH = 8,          // operand width
    parameter LANES = 4,          // number of products (power of two)
    parameter SHIFT = 0           // right shift (with rounding) applied to the result
) (
    input  wire [WIDTH*LANES-1:0]               a,
    input  wire [WIDTH*LANES-1:0]               b,
    output wire [`DSP_ACC_W(WIDTH, LANES)-1:0]  y
);
    localparam PW  = `DSP_PROD_W(WIDTH);
    localparam LV  = $clog2(LANES);
    localparam AW  = `DSP_ACC_W(WIDTH, LANES);

    // level l holds LANES >> l values of width PW + l, stored at a fixed stride of AW bits
    wire [AW*LANES*(LV+1)-1:0] tree;

    genvar l, i;
    generate
        for (i = 0; i < LANES; i = i + 1) begin : g_mul
            wire [PW-1:0] p;
            dotprod_mul #(.W(WIDTH)) u_mul (.a(a[WIDTH*i +: WIDTH]), .b(b[WIDTH*i +: WIDTH]), .p(p));
            assign tree[AW*i +: AW] = `DSP_SEXT(p, PW, AW);
        end
        for (l = 0; l < LV; l = l + 1) begin : g_lvl
            for (i = 0; i < (LANES >> (l + 1)); i = i + 1) begin : g_add
                wire [PW+l:0] s;
                dotprod_add #(.W(PW + l)) u_add (
                    .x(tree[AW*(LANES*l + 2*i)     +: PW + l]),
                    .y(tree[AW*(LANES*l + 2*i + 1) +: PW + l]),
                    .s(s)
                );
                assign tree[AW*(LANES*(l+1) + i) +: AW] = `DSP_SEXT(s, PW + l + 1, AW);
            end
            // unused slots of this level
            for (i = (LANES >> (l + 1)); i < LANES; i = i + 1) begin : g_pad
                assign tree[AW*(LANES*(l+1) + i) +: AW] = {AW{1'b0}};
            end
        end
    endgenerate

    wire [AW-1:0] sum = tree[AW*LANES*LV +: AW];
    generate
        if (SHIFT > 0) begin : g_round
            wire [AW-1:0] bias = {{(AW-1){1'b0}}, 1'b1} << (SHIFT - 1);
            assign y = $signed(sum + bias) >>> SHIFT;
        end else begin : g_noround
            assign y = sum;
        end
    endgenerate
endmodule
