// therm2bin63: 63-bit thermometer code to 6-bit binary converter with majority-of-3 bubble correction, one-hot transition encoder, bubble and valid flags
module therm2bin63 (
    input  wire [62:0] t,         // t[k] = 1 for k < level
    output reg  [5:0]  bin,       // number of ones after correction (0..63)
    output reg  [62:0] t_fix,     // corrected thermometer code
    output reg         bubble,    // the corrector changed at least one bit
    output reg         valid      // corrected code is a clean thermometer code
);
    reg [64:0] te;                 // t extended with t[-1] = 1 and t[63] = 0
    reg [63:0] fe;                 // corrected code with fe[63] = 0
    reg [62:0] hot;                // one-hot transition (top of the ones run)
    integer i;

    always @* begin
        te = {1'b0, t, 1'b1};
        for (i = 0; i < 63; i = i + 1)
            t_fix[i] = (te[i] & te[i+1]) | (te[i] & te[i+2]) | (te[i+1] & te[i+2]);
        bubble = (t_fix != t);

        fe = {1'b0, t_fix};
        valid = 1'b1;
        for (i = 0; i < 63; i = i + 1) begin
            hot[i] = fe[i] & ~fe[i+1];
            if (fe[i+1] & ~fe[i])
                valid = 1'b0;       // a 1 above a 0: bubble the corrector could not remove
        end

        bin = 6'd0;
        for (i = 0; i < 63; i = i + 1)
            bin = bin | ({6{hot[i]}} & (i + 1));
    end
endmodule
