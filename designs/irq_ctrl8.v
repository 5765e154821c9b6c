// irq_ctrl8: 8-source interrupt controller with input synchronizers, per-source edge/level and polarity config, mask and pending registers, fixed priority, vector base, acknowledge clears pending
module irq_ctrl8 (
    input  wire       clk,
    input  wire       rst_n,
    input  wire [7:0] irq_in,     // raw interrupt sources (asynchronous)
    // register bus
    input  wire       wr_en,
    input  wire [2:0] addr,
    input  wire [7:0] wr_data,
    output reg  [7:0] rd_data,
    // CPU interface
    input  wire       ack,        // CPU takes the presented vector: clears its pending bit
    output reg        irq,        // registered interrupt request
    output reg  [7:0] vector,     // registered vector = vbase + source id
    output reg  [2:0] irq_id      // registered id of the presented source
);
    // register map
    localparam [2:0] A_MASK  = 3'd0,  // 1 = source enabled
                     A_EDGE  = 3'd1,  // 1 = edge-triggered, 0 = level-triggered
                     A_POL   = 3'd2,  // 1 = active-low level / falling edge
                     A_PSET  = 3'd3,  // write 1s: set pending (software interrupt); read: pending
                     A_PCLR  = 3'd4,  // write 1s: clear pending; read: raw synchronized inputs
                     A_VBASE = 3'd5,  // vector base
                     A_CTRL  = 3'd6,  // bit0: global enable; read: {irq, 3'b000, enable, irq_id}
                     A_INSRV = 3'd7;  // read: sources acknowledged since last write (write 1s clears)

    reg [7:0] sync1, sync2, prev;
    reg [7:0] mask, edge_cfg, pol, pend, vbase, insrv;
    reg       gen;

    wire [7:0] act  = sync2 ^ pol;
    wire [7:0] pact = prev ^ pol;
    wire [7:0] hw_set = (edge_cfg & act & ~pact) | (~edge_cfg & act);

    wire wr_pset = wr_en & (addr == A_PSET);
    wire wr_pclr = wr_en & (addr == A_PCLR);
    wire wr_insr = wr_en & (addr == A_INSRV);

    // acknowledge clears the pending bit of the presented source
    wire [7:0] ack_dec = (ack & irq) ? (8'd1 << irq_id) : 8'd0;

    wire [7:0] pend_clr = ack_dec | (wr_pclr ? wr_data : 8'd0);
    wire [7:0] pend_set = hw_set | (wr_pset ? wr_data : 8'd0);
    wire [7:0] pend_nxt = (pend & ~pend_clr) | pend_set;

    // fixed priority: source 0 highest
    wire [7:0] elig = pend_nxt & mask & {8{gen}};
    reg  [2:0] win;
    always @(*) begin
        casez (elig)
            8'b???????1: win = 3'd0;
            8'b??????10: win = 3'd1;
            8'b?????100: win = 3'd2;
            8'b????1000: win = 3'd3;
            8'b???10000: win = 3'd4;
            8'b??100000: win = 3'd5;
            8'b?1000000: win = 3'd6;
            8'b10000000: win = 3'd7;
            default:     win = 3'd0;
        endcase
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            sync1    <= 8'h00;
            sync2    <= 8'h00;
            prev     <= 8'h00;
            mask     <= 8'h00;
            edge_cfg <= 8'h00;
            pol      <= 8'h00;
            pend     <= 8'h00;
            vbase    <= 8'h20;
            insrv    <= 8'h00;
            gen      <= 1'b0;
            irq      <= 1'b0;
            vector   <= 8'h00;
            irq_id   <= 3'd0;
        end else begin
            sync1 <= irq_in;
            sync2 <= sync1;
            prev  <= sync2;
            if (wr_en) begin
                case (addr)
                    A_MASK:  mask     <= wr_data;
                    A_EDGE:  edge_cfg <= wr_data;
                    A_POL:   pol      <= wr_data;
                    A_VBASE: vbase    <= wr_data;
                    A_CTRL:  gen      <= wr_data[0];
                    default: ;
                endcase
            end
            pend  <= pend_nxt;
            insrv <= (insrv & ~(wr_insr ? wr_data : 8'd0)) | ack_dec;
            irq    <= |elig;
            irq_id <= win;
            vector <= vbase + {5'd0, win};
        end
    end

    always @(*) begin
        case (addr)
            A_MASK:  rd_data = mask;
            A_EDGE:  rd_data = edge_cfg;
            A_POL:   rd_data = pol;
            A_PSET:  rd_data = pend;
            A_PCLR:  rd_data = sync2;
            A_VBASE: rd_data = vbase;
            A_CTRL:  rd_data = {irq, 3'b000, gen, irq_id};
            default: rd_data = insrv;
        endcase
    end
endmodule
