// lfsr_scrambler32: 16-bit/clock self-synchronising scrambler and descrambler (x^32+x^19+1, 32-bit history) with loopback, idle-pattern lock detector and error counter
module lfsr_scrambler32 (
    input  wire        clk,
    input  wire        rst_n,
    // transmit side
    input  wire        tx_valid,
    input  wire [15:0] tx_data,
    input  wire        bypass,       // send data unscrambled (scrambler history still updates)
    output reg         tx_out_valid,
    output reg  [15:0] tx_out,
    // receive side
    input  wire        rx_valid,
    input  wire [15:0] rx_data,
    input  wire        loopback,     // descramble the local transmit word instead of rx_data
    output reg         rx_out_valid,
    output reg  [15:0] rx_out,
    // lock detector
    input  wire [15:0] idle_pat,     // expected descrambled idle word
    input  wire        idle_expect,  // the far end is sending idle words
    output reg         locked,
    output reg  [15:0] err_words     // saturating count of mismatched idle words while locked
);
    localparam [5:0] LOCK_HITS = 6'd47;  // consecutive matching idle words to declare lock
    localparam [3:0] ERR_MAX   = 4'd9;   // mismatches per 64-word window that drop lock

    reg [31:0] scr_st, dsc_st;           // bit 0 = most recent line bit
    reg [31:0] scr_nx, dsc_nx, sst, dst;
    reg [15:0] scr_word, dsc_word, rx_in;
    reg        ob;
    integer i, k;

    // scrambler: line = data ^ h[19] ^ h[32]; history holds line bits (MSB of the word first)
    always @* begin
        sst = scr_st;
        for (i = 15; i >= 0; i = i - 1) begin
            ob = tx_data[i] ^ sst[18] ^ sst[31];
            scr_word[i] = ob;
            sst = {sst[30:0], ob};
        end
        scr_nx = sst;
    end

    wire rx_v = loopback ? tx_out_valid : rx_valid;

    // descrambler: data = line ^ h[19] ^ h[32]; history holds received line bits
    always @* begin
        rx_in = loopback ? tx_out : rx_data;
        dst = dsc_st;
        for (k = 15; k >= 0; k = k - 1) begin
            dsc_word[k] = rx_in[k] ^ dst[18] ^ dst[31];
            dst = {dst[30:0], rx_in[k]};
        end
        dsc_nx = dst;
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            scr_st       <= 32'd0;
            tx_out       <= 16'd0;
            tx_out_valid <= 1'b0;
        end else begin
            tx_out_valid <= tx_valid;
            if (tx_valid) begin
                scr_st <= scr_nx;
                tx_out <= bypass ? tx_data : scr_word;
            end
        end
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            dsc_st       <= 32'd0;
            rx_out       <= 16'd0;
            rx_out_valid <= 1'b0;
        end else begin
            rx_out_valid <= rx_v;
            if (rx_v) begin
                dsc_st <= dsc_nx;
                rx_out <= dsc_word;
            end
        end
    end

    // lock detector on the registered descrambler output
    reg [5:0] hit_cnt;
    reg [5:0] win_cnt;
    reg [3:0] win_err;
    wire      match = (rx_out == idle_pat);
    wire      check = rx_out_valid & idle_expect;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            locked    <= 1'b0;
            hit_cnt   <= 6'd0;
            win_cnt   <= 6'd0;
            win_err   <= 4'd0;
            err_words <= 16'd0;
        end else if (check) begin
            if (!locked) begin
                win_cnt <= 6'd0;
                win_err <= 4'd0;
                if (match) begin
                    if (hit_cnt == LOCK_HITS) begin
                        locked  <= 1'b1;
                        hit_cnt <= 6'd0;
                    end else begin
                        hit_cnt <= hit_cnt + 6'd1;
                    end
                end else begin
                    hit_cnt <= 6'd0;
                end
            end else begin
                win_cnt <= win_cnt + 6'd1;
                if (!match) begin
                    if (err_words != 16'hFFFF)
                        err_words <= err_words + 16'd1;
                    if (win_err == ERR_MAX) begin
                        locked  <= 1'b0;
                        win_err <= 4'd0;
                        win_cnt <= 6'd0;
                    end else begin
                        win_err <= win_err + 4'd1;
                    end
                end else if (win_cnt == 6'd63) begin
                    win_err <= 4'd0;
                end
            end
        end
    end
endmodule
