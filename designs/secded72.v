// secded72: (72,64) Hamming SECDED ECC: encoder for the write path, syndrome decoder with single-error correction and double-error detection for the read path
module secded72 (
    input  wire [63:0] wr_data,
    output wire [71:0] wr_code,       // code bit p = Hamming position p, bit 0 = overall parity
    input  wire [71:0] rd_code,
    output wire [63:0] rd_data,       // corrected data
    output wire [6:0]  syndrome,
    output wire        single_err,    // corrected (in data, check or parity bit)
    output wire        double_err     // detected, not correctable
);
    // Hamming position (1..71, skipping powers of two) of data bit j
    function integer pos_of;
        input integer j;
        integer p, n;
        begin
            n = -1;
            pos_of = 0;
            for (p = 1; p < 72; p = p + 1) begin
                if ((p & (p - 1)) != 0) begin
                    n = n + 1;
                    if (n == j) pos_of = p;
                end
            end
        end
    endfunction

    // positions covered by check bit k (bit 0 of the mask unused)
    function [71:0] cover_mask;
        input integer k;
        integer p;
        begin
            cover_mask = 72'd0;
            for (p = 1; p < 72; p = p + 1)
                if ((p >> k) & 1) cover_mask[p] = 1'b1;
        end
    endfunction

    // ---------------- encoder ----------------
    wire [71:0] enc_raw;   // data bits in place, check bits and parity zero
    genvar j, k;
    generate
        for (j = 0; j < 64; j = j + 1) begin : g_place
            assign enc_raw[pos_of(j)] = wr_data[j];
        end
        for (k = 0; k < 7; k = k + 1) begin : g_zero
            assign enc_raw[1 << k] = 1'b0;
        end
        assign enc_raw[0] = 1'b0;
    endgenerate

    wire [6:0] chk;
    generate
        for (k = 0; k < 7; k = k + 1) begin : g_chk
            assign chk[k] = ^(enc_raw & cover_mask(k));
        end
    endgenerate

    wire [71:0] enc_nopar;
    generate
        for (j = 1; j < 72; j = j + 1) begin : g_enc
            if ((j & (j - 1)) == 0) begin : g_c
                assign enc_nopar[j] = chk[$clog2(j)];
            end else begin : g_d
                assign enc_nopar[j] = enc_raw[j];
            end
        end
    endgenerate
    assign enc_nopar[0] = 1'b0;
    assign wr_code = {enc_nopar[71:1], ^enc_nopar[71:1]};

    // ---------------- decoder ----------------
    generate
        for (k = 0; k < 7; k = k + 1) begin : g_syn
            assign syndrome[k] = ^(rd_code & cover_mask(k));
        end
    endgenerate
    wire par_err = ^rd_code;
    wire syn_nz  = |syndrome;
    assign single_err = par_err & (syndrome < 7'd72);
    assign double_err = (syn_nz & ~par_err) | (par_err & (syndrome >= 7'd72));

    generate
        for (j = 0; j < 64; j = j + 1) begin : g_fix
            assign rd_data[j] = rd_code[pos_of(j)] ^ (single_err & (syndrome == pos_of(j)));
        end
    endgenerate
endmodule
