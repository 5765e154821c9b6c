// pwm_timer4: 4-channel 12-bit PWM timer: 8-bit prescaler, edge/center-aligned counter, shadowed compare registers on a write bus, readback, masked W1C interrupts
module pwm_timer4 (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        we,
    input  wire [3:0]  addr,
    input  wire [15:0] wdata,
    output reg  [15:0] rdata,
    output reg  [3:0]  pwm,
    output wire        irq
);
    // register map
    //  0 CTRL   [0] enable [1] center-aligned [5:2] polarity [9:6] output enable [15:10] irq enable
    //  1 PRESC  [7:0] prescale divisor - 1
    //  2 PERIOD [11:0] counter top
    //  3 STATUS [5:0] flags (write 1 to clear): [3:0] compare match, [4] top/wrap, [5] bottom
    //  4..7 CMP0..CMP3 [11:0] (shadow, copied at the update event or while disabled)
    //  8 COUNT  [11:0] counter (write loads it)
    reg [15:0] ctrl;
    reg [7:0]  presc, pcnt;
    reg [11:0] period, cnt;
    reg [11:0] cmp_sh0, cmp_sh1, cmp_sh2, cmp_sh3;
    reg [11:0] cmp0, cmp1, cmp2, cmp3;
    reg [5:0]  flags;
    reg        dir_down;

    wire       en     = ctrl[0];
    wire       center = ctrl[1];
    wire [3:0] pol    = ctrl[5:2];
    wire [3:0] oe     = ctrl[9:6];
    wire [5:0] ien    = ctrl[15:10];

    wire tick = en && (pcnt == presc);

    // counter next state and events
    reg [11:0] cnt_nx;
    reg        dir_nx, ev_top, ev_bot, ev_upd;
    always @* begin
        cnt_nx = cnt;
        dir_nx = dir_down;
        ev_top = 1'b0;
        ev_bot = 1'b0;
        ev_upd = 1'b0;
        if (tick) begin
            if (!center) begin
                dir_nx = 1'b0;
                if (cnt >= period) begin
                    cnt_nx = 12'd0;
                    ev_top = 1'b1;
                    ev_upd = 1'b1;
                end else begin
                    cnt_nx = cnt + 12'd1;
                end
            end else if (!dir_down) begin
                if (cnt >= period) begin
                    dir_nx = 1'b1;
                    cnt_nx = (period == 12'd0) ? 12'd0 : period - 12'd1;
                    ev_top = 1'b1;
                end else begin
                    cnt_nx = cnt + 12'd1;
                end
            end else begin
                if (cnt == 12'd0) begin
                    dir_nx = 1'b0;
                    cnt_nx = (period == 12'd0) ? 12'd0 : 12'd1;
                    ev_bot = 1'b1;
                    ev_upd = 1'b1;
                end else begin
                    cnt_nx = cnt - 12'd1;
                end
            end
        end
    end

    wire [3:0] match = {cnt == cmp3, cnt == cmp2, cnt == cmp1, cnt == cmp0};
    wire [5:0] ev    = {ev_bot, ev_top, match & {4{tick}}};
    wire       wr_cnt = we && (addr == 4'd8);

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            ctrl     <= 16'd0;
            presc    <= 8'd0;
            pcnt     <= 8'd0;
            period   <= 12'hFFF;
            cnt      <= 12'd0;
            dir_down <= 1'b0;
            cmp_sh0  <= 12'd0; cmp_sh1 <= 12'd0; cmp_sh2 <= 12'd0; cmp_sh3 <= 12'd0;
            cmp0     <= 12'd0; cmp1    <= 12'd0; cmp2    <= 12'd0; cmp3    <= 12'd0;
            flags    <= 6'd0;
            pwm      <= 4'd0;
        end else begin
            // bus writes
            if (we) begin
                case (addr)
                    4'd0: ctrl    <= wdata;
                    4'd1: presc   <= wdata[7:0];
                    4'd2: period  <= wdata[11:0];
                    4'd4: cmp_sh0 <= wdata[11:0];
                    4'd5: cmp_sh1 <= wdata[11:0];
                    4'd6: cmp_sh2 <= wdata[11:0];
                    4'd7: cmp_sh3 <= wdata[11:0];
                    default: ;
                endcase
            end
            // prescaler
            if (!en || tick)
                pcnt <= 8'd0;
            else
                pcnt <= pcnt + 8'd1;
            // counter
            if (wr_cnt) begin
                cnt      <= wdata[11:0];
            end else begin
                cnt      <= cnt_nx;
                dir_down <= dir_nx;
            end
            // compare shadow transfer
            if (!en || ev_upd) begin
                cmp0 <= cmp_sh0; cmp1 <= cmp_sh1; cmp2 <= cmp_sh2; cmp3 <= cmp_sh3;
            end
            // flags: events set, write-1-to-clear
            if (we && addr == 4'd3)
                flags <= (flags & ~wdata[5:0]) | ev;
            else
                flags <= flags | ev;
            // registered PWM outputs
            pwm <= oe & (pol ^ {cnt < cmp3, cnt < cmp2, cnt < cmp1, cnt < cmp0});
        end
    end

    assign irq = |(flags & ien);

    always @* begin
        case (addr)
            4'd0: rdata = ctrl;
            4'd1: rdata = {8'd0, presc};
            4'd2: rdata = {4'd0, period};
            4'd3: rdata = {9'd0, dir_down, flags};
            4'd4: rdata = {4'd0, cmp_sh0};
            4'd5: rdata = {4'd0, cmp_sh1};
            4'd6: rdata = {4'd0, cmp_sh2};
            4'd7: rdata = {4'd0, cmp_sh3};
            4'd8: rdata = {4'd0, cnt};
            4'd9: rdata = {4'd0, cmp0};
            4'd10: rdata = {4'd0, cmp1};
            4'd11: rdata = {4'd0, cmp2};
            4'd12: rdata = {4'd0, cmp3};
            default: rdata = 16'd0;
        endcase
    end
endmodule
