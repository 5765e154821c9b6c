// uart: UART transceiver (8 data bits, optional even/odd parity, 1 stop bit) with programmable baud divisor, 16x-oversampling receiver FSM and transmitter FSM, async active-low reset
module uart_tx (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       tick16,      // 16x baud tick
    input  wire       parity_en,
    input  wire       parity_odd,
    input  wire       tx_valid,
    input  wire [7:0] tx_data,
    output wire       tx_ready,
    output reg        txd
);
    localparam [2:0] S_IDLE = 3'd0, S_START = 3'd1, S_DATA = 3'd2, S_PARITY = 3'd3, S_STOP = 3'd4;

    reg [2:0] state;
    reg [3:0] sub;      // 16 ticks per bit
    reg [2:0] bitn;
    reg [7:0] shreg;
    reg       par;

    assign tx_ready = (state == S_IDLE);
    wire bit_end = tick16 & (sub == 4'd15);

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            state <= S_IDLE;
            sub   <= 4'd0;
            bitn  <= 3'd0;
            shreg <= 8'd0;
            par   <= 1'b0;
            txd   <= 1'b1;
        end else begin
            if (tick16 && state != S_IDLE) sub <= sub + 4'd1;
            case (state)
                S_IDLE: begin
                    txd <= 1'b1;
                    sub <= 4'd0;
                    if (tx_valid) begin
                        shreg <= tx_data;
                        par   <= parity_odd;
                        state <= S_START;
                        txd   <= 1'b0;
                    end
                end
                S_START: if (bit_end) begin
                    state <= S_DATA;
                    bitn  <= 3'd0;
                    txd   <= shreg[0];
                end
                S_DATA: if (bit_end) begin
                    par   <= par ^ shreg[0];
                    shreg <= {1'b0, shreg[7:1]};
                    if (bitn == 3'd7) begin
                        state <= parity_en ? S_PARITY : S_STOP;
                        txd   <= parity_en ? (par ^ shreg[0]) : 1'b1;
                    end else begin
                        bitn <= bitn + 3'd1;
                        txd  <= shreg[1];
                    end
                end
                S_PARITY: if (bit_end) begin
                    state <= S_STOP;
                    txd   <= 1'b1;
                end
                S_STOP: if (bit_end) begin
                    state <= S_IDLE;
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

module uart_rx (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       tick16,
    input  wire       parity_en,
    input  wire       parity_odd,
    input  wire       rxd_async,
    output reg  [7:0] rx_data,
    output reg        rx_valid,     // one-cycle strobe
    output reg        frame_err,
    output reg        parity_err,
    output reg        overrun,
    input  wire       rx_ack        // consumer has taken rx_data
);
    localparam [2:0] S_IDLE = 3'd0, S_START = 3'd1, S_DATA = 3'd2, S_PARITY = 3'd3, S_STOP = 3'd4;

    // two-flop synchronizer
    reg [1:0] sync;
    wire      rxd = sync[1];

    reg [2:0] state;
    reg [3:0] sub;
    reg [2:0] bitn;
    reg [7:0] shreg;
    reg       par;
    reg       full;

    wire mid = tick16 & (sub == 4'd7);   // sample in the middle of the bit

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            sync       <= 2'b11;
            state      <= S_IDLE;
            sub        <= 4'd0;
            bitn       <= 3'd0;
            shreg      <= 8'd0;
            par        <= 1'b0;
            rx_data    <= 8'd0;
            rx_valid   <= 1'b0;
            frame_err  <= 1'b0;
            parity_err <= 1'b0;
            overrun    <= 1'b0;
            full       <= 1'b0;
        end else begin
            sync     <= {sync[0], rxd_async};
            rx_valid <= 1'b0;
            if (rx_ack) full <= 1'b0;
            if (tick16 && state != S_IDLE) sub <= sub + 4'd1;
            case (state)
                S_IDLE: begin
                    sub <= 4'd0;
                    if (!rxd) state <= S_START;
                end
                S_START: if (mid) begin
                    if (rxd) state <= S_IDLE;        // glitch, not a start bit
                    else begin
                        state <= S_DATA;
                        bitn  <= 3'd0;
                        par   <= parity_odd;
                    end
                end
                S_DATA: if (mid) begin
                    shreg <= {rxd, shreg[7:1]};
                    par   <= par ^ rxd;
                    bitn  <= bitn + 3'd1;
                    if (bitn == 3'd7) state <= parity_en ? S_PARITY : S_STOP;
                end
                S_PARITY: if (mid) begin
                    parity_err <= (par != rxd);
                    state      <= S_STOP;
                end
                S_STOP: if (mid) begin
                    state     <= S_IDLE;
                    frame_err <= ~rxd;
                    if (!parity_en) parity_err <= 1'b0;
                    overrun   <= full & ~rx_ack;
                    rx_data   <= shreg;
                    rx_valid  <= 1'b1;
                    full      <= 1'b1;
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

module uart (
    input  wire        clk,
    input  wire        rst_n,
    input  wire [15:0] baud_div,    // clock cycles per 16x tick, minus one
    input  wire        parity_en,
    input  wire        parity_odd,
    input  wire        tx_valid,
    input  wire [7:0]  tx_data,
    output wire        tx_ready,
    output wire        txd,
    input  wire        rxd,
    output wire [7:0]  rx_data,
    output wire        rx_valid,
    output wire        frame_err,
    output wire        parity_err,
    output wire        overrun,
    input  wire        rx_ack
);
    // shared 16x baud tick generator
    reg [15:0] cnt;
    reg        tick16;
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            cnt    <= 16'd0;
            tick16 <= 1'b0;
        end else if (cnt >= baud_div) begin
            cnt    <= 16'd0;
            tick16 <= 1'b1;
        end else begin
            cnt    <= cnt + 16'd1;
            tick16 <= 1'b0;
        end
    end

    uart_tx u_tx (
        .clk(clk), .rst_n(rst_n), .tick16(tick16), .parity_en(parity_en), .parity_odd(parity_odd),
        .tx_valid(tx_valid), .tx_data(tx_data), .tx_ready(tx_ready), .txd(txd)
    );
    uart_rx u_rx (
        .clk(clk), .rst_n(rst_n), .tick16(tick16), .parity_en(parity_en), .parity_odd(parity_odd),
        .rxd_async(rxd), .rx_data(rx_data), .rx_valid(rx_valid), .frame_err(frame_err),
        .parity_err(parity_err), .overrun(overrun), .rx_ack(rx_ack)
    );
endmodule
