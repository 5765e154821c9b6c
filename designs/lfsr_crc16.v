// lfsr_crc16: link BIST block: PRBS-31 generator/checker (8 bits per clock) with error counter and byte-wise CRC-16/CCITT engine, async active-low reset
module lfsr_crc16 (
    input  wire        clk,
    input  wire        rst_n,
    // PRBS-31 (x^31 + x^28 + 1)
    input  wire        prbs_seed_load,
    input  wire [30:0] prbs_seed,
    input  wire        prbs_en,
    output wire [7:0]  prbs_out,
    input  wire        chk_en,
    input  wire [7:0]  chk_data,      // received pattern to compare against the local generator
    output reg  [15:0] err_count,     // saturating bit-error counter
    // CRC-16/CCITT (poly 0x1021, MSB first)
    input  wire        crc_init,      // reload 0xFFFF
    input  wire        crc_en,
    input  wire [7:0]  crc_data,
    output reg  [15:0] crc,
    output wire        crc_ok         // residue check: CRC over data+crc is zero
);
    reg [30:0] lfsr;

    // advance the LFSR 8 steps, returning the 8 output bits (first bit in [7])
    function [38:0] prbs_step8;   // {next_state, out_bits}
        input [30:0] s;
        integer i;
        reg [30:0] x;
        reg [7:0]  o;
        reg        fb;
        begin
            x = s;
            for (i = 7; i >= 0; i = i - 1) begin
                fb   = x[30] ^ x[27];
                o[i] = fb;
                x    = {x[29:0], fb};
            end
            prbs_step8 = {x, o};
        end
    endfunction

    wire [38:0] nxt = prbs_step8(lfsr);
    assign prbs_out = nxt[7:0];

    // population count of the 8-bit mismatch
    wire [7:0] mism = chk_data ^ nxt[7:0];
    wire [3:0] nerr = mism[0] + mism[1] + mism[2] + mism[3] + mism[4] + mism[5] + mism[6] + mism[7];
    wire [16:0] err_sum = {1'b0, err_count} + {13'd0, nerr};

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            lfsr      <= 31'h7FFFFFFF;
            err_count <= 16'd0;
        end else begin
            if (prbs_seed_load)              lfsr <= (prbs_seed == 31'd0) ? 31'h7FFFFFFF : prbs_seed;
            else if (prbs_en || chk_en)      lfsr <= nxt[38:8];
            if (prbs_seed_load)              err_count <= 16'd0;
            else if (chk_en)                 err_count <= err_sum[16] ? 16'hFFFF : err_sum[15:0];
        end
    end

    function [15:0] crc16_byte;
        input [15:0] c;
        input [7:0]  d;
        integer i;
        reg [15:0] x;
        begin
            x = c;
            for (i = 7; i >= 0; i = i - 1)
                x = (x[15] ^ d[i]) ? ((x << 1) ^ 16'h1021) : (x << 1);
            crc16_byte = x;
        end
    endfunction

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n)        crc <= 16'hFFFF;
        else if (crc_init) crc <= 16'hFFFF;
        else if (crc_en)   crc <= crc16_byte(crc, crc_data);
    end
    assign crc_ok = (crc == 16'h0000);
endmodule
