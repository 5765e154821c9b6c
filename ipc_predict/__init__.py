"""IPC prediction: ChampSim traces, the tracer, workloads and the reference out-of-order simulator."""
