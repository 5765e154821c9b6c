// crc32_d64: combinational CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) update over a 64-bit data word
module crc32_d64 (
    input  wire [31:0] crc_in,     // running CRC register value
    input  wire [63:0] data,       // byte 0 in data[7:0], each byte LSB first
    input  wire        init,       // start a new frame: use 0xFFFFFFFF instead of crc_in
    output wire [31:0] crc_out,    // next register value
    output wire [31:0] fcs         // final frame check sequence (complemented)
);
    localparam [31:0] POLY = 32'hEDB88320;

    // bit-serial LFSR recurrence, fully unrolled over the 64 data bits
    function [31:0] crc_step64;
        input [31:0] c;
        input [63:0] d;
        integer i;
        reg [31:0] x;
        begin
            x = c;
            for (i = 0; i < 64; i = i + 1)
                x = (x[0] ^ d[i]) ? ((x >> 1) ^ POLY) : (x >> 1);
            crc_step64 = x;
        end
    endfunction

    wire [31:0] start = init ? 32'hFFFFFFFF : crc_in;
    assign crc_out = crc_step64(start, data);
    assign fcs     = ~crc_out;
endmodule
