// fifo16x8: synchronous 16-entry x 8-bit FIFO (register storage) with occupancy count, full/empty, programmable almost-full/empty flags and overflow/underflow sticky errors, async active-low reset
module fifo16x8 (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       flush,
    input  wire       wr_en,
    input  wire [7:0] wr_data,
    input  wire       rd_en,
    output wire [7:0] rd_data,       // first-word-fall-through output
    output wire       full,
    output wire       empty,
    output wire [4:0] count,
    input  wire [3:0] af_level,      // almost_full when count >= af_level + 1
    input  wire [3:0] ae_level,      // almost_empty when count <= ae_level
    output wire       almost_full,
    output wire       almost_empty,
    output reg        overflow,
    output reg        underflow
);
    reg [7:0] mem [0:15];
    reg [4:0] wptr, rptr;           // one extra wrap bit

    assign count = wptr - rptr;
    assign empty = (wptr == rptr);
    assign full  = (wptr[3:0] == rptr[3:0]) & (wptr[4] != rptr[4]);
    assign almost_full  = count > {1'b0, af_level};
    assign almost_empty = count <= {1'b0, ae_level};
    assign rd_data = mem[rptr[3:0]];

    wire do_wr = wr_en & ~full;
    wire do_rd = rd_en & ~empty;

    always @(posedge clk) begin
        if (do_wr) mem[wptr[3:0]] <= wr_data;
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            wptr      <= 5'd0;
            rptr      <= 5'd0;
            overflow  <= 1'b0;
            underflow <= 1'b0;
        end else if (flush) begin
            wptr      <= 5'd0;
            rptr      <= 5'd0;
            overflow  <= 1'b0;
            underflow <= 1'b0;
        end else begin
            if (do_wr) wptr <= wptr + 5'd1;
            if (do_rd) rptr <= rptr + 5'd1;
            if (wr_en & full)  overflow  <= 1'b1;
            if (rd_en & empty) underflow <= 1'b1;
        end
    end
endmodule
