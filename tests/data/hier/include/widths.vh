`define LANES 4
