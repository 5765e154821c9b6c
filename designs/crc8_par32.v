// crc8_par32: parallel CRC-8 (poly 0x07, MSB first) over a byte-swappable 32-bit word, with per-byte/word parity tree and residue check
module crc8_par32 (
    input  wire [31:0] data,
    input  wire [7:0]  crc_in,     // running CRC (0x00 to start)
    input  wire [1:0]  swap_mode,  // 0: none, 1: byte reverse, 2: halfword swap, 3: swap bytes within halfwords
    input  wire        refin,      // reflect bits inside each byte before the CRC
    output reg  [31:0] data_sw,    // word as fed to the CRC
    output reg  [7:0]  crc_out,
    output wire        crc_zero,   // crc_out == 0 (residue check when the word ends in its CRC)
    output reg  [3:0]  par_byte,   // even parity of each byte of data_sw
    output wire [1:0]  par_half,
    output wire        par_word
);
    reg [31:0] w, wr;
    reg [7:0]  c;
    reg        fb;
    integer i, j;

    always @* begin
        case (swap_mode)
            2'd0: w = data;
            2'd1: w = {data[7:0], data[15:8], data[23:16], data[31:24]};
            2'd2: w = {data[15:0], data[31:16]};
            default: w = {data[23:16], data[31:24], data[7:0], data[15:8]};
        endcase
        for (i = 0; i < 4; i = i + 1)
            for (j = 0; j < 8; j = j + 1)
                wr[8*i+j] = w[8*i+7-j];
        data_sw = refin ? wr : w;

        // bit-serial CRC unrolled over 32 data bits; synthesis turns it into XOR equations
        c = crc_in;
        for (i = 31; i >= 0; i = i - 1) begin
            fb = c[7] ^ data_sw[i];
            c  = {c[6:0], 1'b0} ^ (fb ? 8'h07 : 8'h00);
        end
        crc_out = c;

        // parity tree: bytes -> halfwords -> word
        for (i = 0; i < 4; i = i + 1)
            par_byte[i] = ^data_sw[8*i +: 8];
    end

    assign par_half = {par_byte[3] ^ par_byte[2], par_byte[1] ^ par_byte[0]};
    assign par_word = par_half[1] ^ par_half[0];
    assign crc_zero = (crc_out == 8'd0);
endmodule
