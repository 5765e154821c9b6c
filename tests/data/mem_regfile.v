// A 4x4 register file: written in an always block, one read port asynchronous at `ra`, one through a
// registered address (Yosys' memory_dff folds `rb_q` into the read port, memory_map then makes a
// read-address register with a private name, as in picorv32's cpuregs).
module mem_regfile(input clk, input we, input [1:0] wa, input [1:0] ra, input [1:0] rb, input [3:0] wd,
                   output [3:0] rd, output [3:0] rdb);
  reg [3:0] mem [0:3];
  reg [1:0] rb_q;
  always @(posedge clk) begin
    if (we) mem[wa] <= wd;
    rb_q <= rb;
  end
  assign rd = mem[ra];
  assign rdb = mem[rb_q];
endmodule
