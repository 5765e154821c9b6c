"""ChampSim binary trace records (64 bytes each, little-endian, no header; raw, .xz or .gz).

Layout (REFERENCE.md section 3): ip u64 @0; is_branch u8 @8; branch_taken u8 @9;
destination_registers u8[2] @10; source_registers u8[4] @12; destination_memory u64[2] @16;
source_memory u64[4] @32. Zero means an unused slot.
"""

from __future__ import annotations

import numpy as np

RECORD_SIZE = 64

# ChampSim's special register numbers.
REG_STACK_POINTER = 6
REG_FLAGS = 25
REG_INSTRUCTION_POINTER = 26

TRACE_DTYPE = np.dtype(
    [
        ("ip", "<u8"),
        ("is_branch", "u1"),
        ("branch_taken", "u1"),
        ("destination_registers", "u1", (2,)),
        ("source_registers", "u1", (4,)),
        ("destination_memory", "<u8", (2,)),
        ("source_memory", "<u8", (4,)),
    ]
)
assert TRACE_DTYPE.itemsize == RECORD_SIZE
