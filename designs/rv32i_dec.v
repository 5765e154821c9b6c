// rv32i_dec: RISC-V RV32I (+Zicsr, FENCE.I) instruction decoder: control signals, ALU op, register fields, immediate generation, illegal detection
module rv32i_dec (
    input  wire [31:0] instr,
    output wire [4:0]  rd,
    output wire [4:0]  rs1,
    output wire [4:0]  rs2,
    output reg  [31:0] imm,
    output reg  [3:0]  alu_op,        // alu32 encoding
    output reg         alu_src_imm,   // operand b = imm
    output reg         alu_src_pc,    // operand a = pc (AUIPC, JAL)
    output reg         reg_write,
    output reg         mem_read,
    output reg         mem_write,
    output reg  [1:0]  mem_size,      // 0: byte, 1: half, 2: word
    output reg         mem_unsigned,
    output reg         branch,
    output reg  [2:0]  br_cond,       // funct3 of the branch
    output reg         jal,
    output reg         jalr,
    output reg         fence,
    output reg         fence_i,
    output reg         ecall,
    output reg         ebreak,
    output reg         mret,
    output reg         csr_op,
    output reg  [1:0]  csr_cmd,       // 1: write, 2: set, 3: clear
    output reg         csr_imm,       // CSR*I forms: rs1 field is a zero-extended immediate
    output reg         illegal
);
    localparam [6:0] OPC_LUI    = 7'b0110111, OPC_AUIPC  = 7'b0010111, OPC_JAL    = 7'b1101111,
                     OPC_JALR   = 7'b1100111, OPC_BRANCH = 7'b1100011, OPC_LOAD   = 7'b0000011,
                     OPC_STORE  = 7'b0100011, OPC_OPIMM  = 7'b0010011, OPC_OP     = 7'b0110011,
                     OPC_MISC   = 7'b0001111, OPC_SYSTEM = 7'b1110011;

    localparam [3:0] ALU_ADD = 4'd0, ALU_SUB = 4'd1, ALU_AND = 4'd2, ALU_OR  = 4'd3, ALU_XOR = 4'd4,
                     ALU_SLT = 4'd6, ALU_SLTU = 4'd7, ALU_SLL = 4'd8, ALU_SRL = 4'd9, ALU_SRA = 4'd10,
                     ALU_LUI = 4'd11;

    wire [6:0] opcode = instr[6:0];
    wire [2:0] funct3 = instr[14:12];
    wire [6:0] funct7 = instr[31:25];
    assign rd  = instr[11:7];
    assign rs1 = instr[19:15];
    assign rs2 = instr[24:20];

    wire [31:0] imm_i = {{21{instr[31]}}, instr[30:20]};
    wire [31:0] imm_s = {{21{instr[31]}}, instr[30:25], instr[11:7]};
    wire [31:0] imm_b = {{20{instr[31]}}, instr[7], instr[30:25], instr[11:8], 1'b0};
    wire [31:0] imm_u = {instr[31:12], 12'd0};
    wire [31:0] imm_j = {{12{instr[31]}}, instr[19:12], instr[20], instr[30:21], 1'b0};

    // register-register / register-immediate ALU function
    reg [3:0] alu_fn;
    reg       alu_fn_ok;
    always @(*) begin
        alu_fn_ok = 1'b1;
        case (funct3)
            3'b000: alu_fn = (opcode == OPC_OP && funct7[5]) ? ALU_SUB : ALU_ADD;
            3'b001: alu_fn = ALU_SLL;
            3'b010: alu_fn = ALU_SLT;
            3'b011: alu_fn = ALU_SLTU;
            3'b100: alu_fn = ALU_XOR;
            3'b101: alu_fn = funct7[5] ? ALU_SRA : ALU_SRL;
            3'b110: alu_fn = ALU_OR;
            default: alu_fn = ALU_AND;
        endcase
        // funct7 legality
        if (opcode == OPC_OP) begin
            if (funct7 == 7'b0100000) alu_fn_ok = (funct3 == 3'b000) || (funct3 == 3'b101);
            else                      alu_fn_ok = (funct7 == 7'b0000000);
        end else begin   // OP-IMM: only the shifts constrain funct7
            if (funct3 == 3'b001)      alu_fn_ok = (funct7 == 7'b0000000);
            else if (funct3 == 3'b101) alu_fn_ok = (funct7 == 7'b0000000) || (funct7 == 7'b0100000);
        end
    end

    always @(*) begin
        imm          = 32'd0;
        alu_op       = ALU_ADD;
        alu_src_imm  = 1'b0;
        alu_src_pc   = 1'b0;
        reg_write    = 1'b0;
        mem_read     = 1'b0;
        mem_write    = 1'b0;
        mem_size     = 2'd0;
        mem_unsigned = 1'b0;
        branch       = 1'b0;
        br_cond      = 3'd0;
        jal          = 1'b0;
        jalr         = 1'b0;
        fence        = 1'b0;
        fence_i      = 1'b0;
        ecall        = 1'b0;
        ebreak       = 1'b0;
        mret         = 1'b0;
        csr_op       = 1'b0;
        csr_cmd      = 2'd0;
        csr_imm      = 1'b0;
        illegal      = 1'b0;
        if (instr[1:0] != 2'b11) begin
            illegal = 1'b1;   // compressed encodings are not supported
        end else begin
            case (opcode)
                OPC_LUI: begin
                    imm = imm_u; alu_op = ALU_LUI; alu_src_imm = 1'b1; reg_write = 1'b1;
                end
                OPC_AUIPC: begin
                    imm = imm_u; alu_src_imm = 1'b1; alu_src_pc = 1'b1; reg_write = 1'b1;
                end
                OPC_JAL: begin
                    imm = imm_j; jal = 1'b1; alu_src_pc = 1'b1; alu_src_imm = 1'b1; reg_write = 1'b1;
                end
                OPC_JALR: begin
                    imm = imm_i; jalr = 1'b1; alu_src_imm = 1'b1; reg_write = 1'b1;
                    illegal = (funct3 != 3'b000);
                end
                OPC_BRANCH: begin
                    imm = imm_b; branch = 1'b1; br_cond = funct3;
                    alu_op = funct3[1] ? ALU_SLTU : (funct3[2] ? ALU_SLT : ALU_SUB);
                    illegal = (funct3 == 3'b010) || (funct3 == 3'b011);
                end
                OPC_LOAD: begin
                    imm = imm_i; mem_read = 1'b1; alu_src_imm = 1'b1; reg_write = 1'b1;
                    mem_size = funct3[1:0]; mem_unsigned = funct3[2];
                    illegal = (funct3 == 3'b011) || (funct3 == 3'b110) || (funct3 == 3'b111);
                end
                OPC_STORE: begin
                    imm = imm_s; mem_write = 1'b1; alu_src_imm = 1'b1;
                    mem_size = funct3[1:0];
                    illegal = funct3[2] || (funct3[1:0] == 2'b11);
                end
                OPC_OPIMM: begin
                    imm = imm_i; alu_op = alu_fn; alu_src_imm = 1'b1; reg_write = alu_fn_ok;
                    illegal = ~alu_fn_ok;
                end
                OPC_OP: begin
                    alu_op = alu_fn; reg_write = alu_fn_ok;
                    illegal = ~alu_fn_ok;
                end
                OPC_MISC: begin
                    fence   = (funct3 == 3'b000);
                    fence_i = (funct3 == 3'b001);
                    illegal = (funct3 != 3'b000) && (funct3 != 3'b001);
                end
                OPC_SYSTEM: begin
                    if (funct3 == 3'b000) begin
                        ecall   = (instr[31:7] == 25'h0000000);
                        ebreak  = (instr[31:7] == 25'h0002000);
                        mret    = (instr[31:7] == 25'h0604000);
                        illegal = ~(ecall | ebreak | mret);
                    end else if (funct3 == 3'b100) begin
                        illegal = 1'b1;
                    end else begin
                        csr_op    = 1'b1;
                        csr_cmd   = funct3[1:0];
                        csr_imm   = funct3[2];
                        imm       = {20'd0, instr[31:20]};   // CSR address
                        reg_write = 1'b1;
                    end
                end
                default: illegal = 1'b1;
            endcase
        end
    end
endmodule
