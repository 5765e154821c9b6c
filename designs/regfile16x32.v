// regfile16x32: RV32E-style register file, 16 x 32-bit, two read ports and one write port, x0 hardwired to zero, write-through bypass, async active-low reset
module regfile16x32 (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        we,
    input  wire [3:0]  waddr,
    input  wire [31:0] wdata,
    input  wire [3:0]  raddr_a,
    input  wire [3:0]  raddr_b,
    output wire [31:0] rdata_a,
    output wire [31:0] rdata_b
);
    // registers 1..15 as a flat vector (x0 is not stored)
    wire [32*16-1:0] regs;
    assign regs[31:0] = 32'd0;

    genvar r;
    generate
        for (r = 1; r < 16; r = r + 1) begin : g_reg
            reg [31:0] q;
            always @(posedge clk or negedge rst_n) begin
                if (!rst_n)                  q <= 32'd0;
                else if (we && waddr == r)   q <= wdata;
            end
            assign regs[32*r +: 32] = q;
        end
    endgenerate

    wire byp_a = we & (waddr == raddr_a) & (raddr_a != 4'd0);
    wire byp_b = we & (waddr == raddr_b) & (raddr_b != 4'd0);
    assign rdata_a = byp_a ? wdata : regs[32*raddr_a +: 32];
    assign rdata_b = byp_b ? wdata : regs[32*raddr_b +: 32];
endmodule
