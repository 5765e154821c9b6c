"""Synthesis core: Verilog frontend, ABC session, recipes, QoR, equivalence and search strategies."""
