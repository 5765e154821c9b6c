// edaflow_dsp.vh: shared width macros and rounding helpers for the edaflow DSP benchmark designs
`ifndef EDAFLOW_DSP_VH
`define EDAFLOW_DSP_VH

// full-precision product width of two signed W-bit operands
`define DSP_PROD_W(w)        (2 * (w))
// accumulator width for summing n products of W-bit operands without overflow
`define DSP_ACC_W(w, n)      (2 * (w) + $clog2(n))
// sign-extend a value of width W to width N
`define DSP_SEXT(x, w, n)    {{((n) - (w)){x[(w) - 1]}}, x}

`endif
