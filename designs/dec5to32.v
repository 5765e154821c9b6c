// dec5to32: 5-to-32 one-hot address decoder with enable, active-low option and chip-select bank outputs
module dec5to32 (
    input  wire [4:0]  addr,
    input  wire        en,
    input  wire        active_low,
    output wire [31:0] sel,
    output wire [3:0]  bank      // one-hot 8-line bank select (addr[4:3])
);
    // two-level predecode: 2->4 and 3->8, then AND plane
    wire [3:0] pre_hi;
    wire [7:0] pre_lo;
    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_hi
            assign pre_hi[i] = en & (addr[4:3] == i);
        end
        for (i = 0; i < 8; i = i + 1) begin : g_lo
            assign pre_lo[i] = (addr[2:0] == i);
        end
        for (i = 0; i < 32; i = i + 1) begin : g_and
            assign sel[i] = (pre_hi[i / 8] & pre_lo[i % 8]) ^ active_low;
        end
    endgenerate
    assign bank = pre_hi ^ {4{active_low}};
endmodule
