// addr_map16: 32-bit address decoder against 16 constant base/limit ranges (varied sizes, two carve-out overlaps), one-hot hits, priority select and index, miss/overlap/permission flags
module addr_map16 (
    input  wire [31:0] addr,
    input  wire        is_write,
    input  wire        is_exec,
    input  wire        priv,       // privileged access
    output wire [15:0] hit,        // raw one-hot-per-region range hits (several when ranges overlap)
    output reg  [15:0] sel,        // priority-resolved one-hot select (highest region index wins)
    output reg  [3:0]  idx,        // index of the selected region
    output wire        miss,       // no region matches
    output wire        overlap,    // more than one region matches
    output wire        perm_fault, // selected region forbids this access
    output wire        err         // miss or permission fault
);
    // inclusive [base, limit] ranges
    assign hit[0]  = (addr >= 32'h0000_0000) && (addr <= 32'h0000_3FFF);  // boot ROM, 16 KiB
    assign hit[1]  = (addr >= 32'h0000_4000) && (addr <= 32'h0000_4FFF);  // OTP, 4 KiB
    assign hit[2]  = (addr >= 32'h1000_0000) && (addr <= 32'h1001_FFFF);  // SRAM, 128 KiB
    assign hit[3]  = (addr >= 32'h1002_0000) && (addr <= 32'h1002_0BFF);  // TCM, 3 KiB
    assign hit[4]  = (addr >= 32'h2000_0000) && (addr <= 32'h2FFF_FFFF);  // DRAM, 256 MiB
    assign hit[5]  = (addr >= 32'h2800_0000) && (addr <= 32'h2800_FFFF);  // secure DRAM carve-out (inside 4)
    assign hit[6]  = (addr >= 32'h4000_0000) && (addr <= 32'h4000_00BF);  // UART, 192 B
    assign hit[7]  = (addr >= 32'h4000_0100) && (addr <= 32'h4000_013F);  // timer, 64 B
    assign hit[8]  = (addr >= 32'h4000_1000) && (addr <= 32'h4000_1FFF);  // GPIO, 4 KiB
    assign hit[9]  = (addr >= 32'h4001_0000) && (addr <= 32'h4001_5FFF);  // DMA descriptors, 24 KiB
    assign hit[10] = (addr >= 32'h4010_0000) && (addr <= 32'h401F_FFFF);  // peripheral bridge, 1 MiB
    assign hit[11] = (addr >= 32'h5000_0000) && (addr <= 32'h5000_0003);  // mailbox, one word
    assign hit[12] = (addr >= 32'h6000_0000) && (addr <= 32'h7FFF_FFFF);  // flash XIP, 512 MiB
    assign hit[13] = (addr >= 32'h7FFF_F000) && (addr <= 32'h7FFF_FFFF);  // flash config page (inside 12)
    assign hit[14] = (addr >= 32'h8000_0000) && (addr <= 32'hB7FF_FFFF);  // PCIe window, 896 MiB
    assign hit[15] = (addr >= 32'hFFFF_0000) && (addr <= 32'hFFFF_FFFF);  // debug, 64 KiB

    // per-region attributes {priv_only, exec, write} (read is always allowed)
    localparam [47:0] ATTR = {
        3'b100,  // 15 debug: privileged, no write, no exec
        3'b001,  // 14 PCIe: rw
        3'b100,  // 13 flash config: privileged read-only
        3'b010,  // 12 flash XIP: read/exec
        3'b101,  // 11 mailbox: privileged rw
        3'b101,  // 10 bridge
        3'b101,  //  9 DMA
        3'b001,  //  8 GPIO
        3'b101,  //  7 timer
        3'b001,  //  6 UART
        3'b111,  //  5 secure DRAM: privileged rwx
        3'b011,  //  4 DRAM: rwx
        3'b011,  //  3 TCM: rwx
        3'b011,  //  2 SRAM: rwx
        3'b000,  //  1 OTP: read only
        3'b010   //  0 boot ROM: read/exec
    };

    integer k;
    always @(*) begin
        sel = 16'd0;
        idx = 4'd0;
        for (k = 0; k < 16; k = k + 1) begin
            if (hit[k]) begin
                sel = 16'd1 << k;
                idx = k[3:0];
            end
        end
    end

    wire [2:0] a = ATTR[3*idx +: 3];
    assign miss       = ~|hit;
    assign overlap    = |(hit & (hit - 16'd1));   // more than one bit set
    assign perm_fault = ~miss & ((a[2] & ~priv) | (is_write & ~a[0]) | (is_exec & ~a[1]));
    assign err        = miss | perm_fault;
endmodule
