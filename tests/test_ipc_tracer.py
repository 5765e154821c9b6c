"""The tracer on small static C programs compiled here: counts, branch outcomes, addresses, ChampSim
register patterns, --skip / --max-instructions / --start-at, and the errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from edaflow.cli import cli
from edaflow.errors import InputError
from ipc_predict.traces import REG_FLAGS, REG_INSTRUCTION_POINTER, REG_STACK_POINTER, read_trace

pytest.importorskip("capstone")
pytestmark = pytest.mark.skipif(
    shutil.which("valgrind") is None or shutil.which("gcc") is None, reason="needs valgrind and gcc"
)

LOOP = 100
ENV = {"PATH": "/usr/bin:/bin"}  # fixed environment: glibc start-up walks it

LOOP_PROGRAM = r"""
long table[8] = {1, 2, 3, 4, 5, 6, 7, 8};
volatile long sink;
long counter;
typedef long (*fn)(long);
__attribute__((noinline)) long work(long i) { sink = i; return table[i & 7] + i; }
fn volatile indirect = work;
int main(int argc, char **argv) {
    long s = 0;
    for (long i = 0; i < %d; i++) {
        s += work(i);
        counter = s;
    }
    s += indirect(argc);
    return (int)(s & 0);
}
""" % LOOP

CRASH_PROGRAM = r"""
#include <stdio.h>
int main(void) { volatile int *p = 0; puts("crashing"); return *p; }
"""


def _compile(directory: Path, name: str, source: str) -> Path:
    c_file = directory / f"{name}.c"
    c_file.write_text(source)
    binary = directory / name
    subprocess.run(["gcc", "-O2", "-static", "-o", str(binary), str(c_file)], check=True)
    return binary


def _symbols(binary: Path) -> dict[str, int]:
    out = subprocess.run(["nm", str(binary)], capture_output=True, text=True, check=True).stdout
    return {parts[2]: int(parts[0], 16) for parts in (line.split() for line in out.splitlines()) if len(parts) == 3}


def champsim_branch_type(sources, destinations) -> str:
    """ChampSim's decoding of the branch type from register use (ooo_model_inst)."""
    reads_sp = REG_STACK_POINTER in sources
    reads_flags = REG_FLAGS in sources
    reads_ip = REG_INSTRUCTION_POINTER in sources
    writes_sp = REG_STACK_POINTER in destinations
    writes_ip = REG_INSTRUCTION_POINTER in destinations
    reads_other = any(r not in (0, REG_STACK_POINTER, REG_FLAGS, REG_INSTRUCTION_POINTER) for r in sources)
    if not reads_sp and not reads_flags and writes_ip and not reads_other:
        return "direct_jump"
    if not reads_sp and not reads_ip and not reads_flags and writes_ip and reads_other:
        return "indirect"
    if not reads_sp and reads_ip and not writes_sp and writes_ip and (reads_flags or reads_other):
        return "conditional"
    if reads_sp and reads_ip and writes_sp and writes_ip and not reads_flags and not reads_other:
        return "direct_call"
    if reads_sp and reads_ip and writes_sp and writes_ip and not reads_flags and reads_other:
        return "indirect_call"
    if reads_sp and not reads_ip and writes_sp and writes_ip:
        return "return"
    if writes_ip:
        return "other"
    return "not_branch"


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tracer")
    return {"loop": _compile(d, "loop", LOOP_PROGRAM), "crash": _compile(d, "crash", CRASH_PROGRAM), "dir": d}


@pytest.fixture(scope="module")
def full_trace(programs):
    """The whole run of the loop program, and the TraceResult."""
    from ipc_predict.tracer import trace_program

    out = programs["dir"] / "loop.champsimtrace.xz"
    result = trace_program(programs["loop"], [], out, env=ENV, stdout=subprocess.DEVNULL)
    return read_trace(out), result


def _main_instructions(binary: Path):
    """capstone listing of main (address, mnemonic) up to its ret."""
    import capstone

    from ipc_predict.tracer_elf import read_elf

    main = _symbols(binary)["main"]
    code = read_elf(binary).code_bytes(main, 256)
    cs = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    listing = []
    for insn in cs.disasm(code, main):
        listing.append((insn.address, insn.mnemonic, insn.op_str))
        if insn.mnemonic == "ret":
            break
    return listing


def test_whole_run_matches_valgrinds_own_count(full_trace, programs):
    records, result = full_trace
    assert result.complete and result.executed == len(records) == result.instructions
    assert result.undecoded_addresses == 0
    # valgrind's own instruction count of the same run (same environment and output kind).
    proc = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", str(programs["loop"])],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )  # fmt: skip
    refs = next(line for line in proc.stderr.splitlines() if "I   refs" in line)
    assert int(refs.split()[-1].replace(",", "")) == len(records)


def test_loop_branch_taken_n_minus_1_times(full_trace, programs):
    records, _ = full_trace
    main_listing = _main_instructions(programs["loop"])
    conditional = [a for a, m, _ in main_listing if m.startswith("j") and m != "jmp"]
    counts = {a: (int((records["ip"] == a).sum()), int(records["branch_taken"][records["ip"] == a].sum()))
              for a in conditional}  # fmt: skip
    assert (LOOP, LOOP - 1) in counts.values(), counts
    # Every instruction of the loop body runs LOOP times, e.g. the call to work().
    call = next(a for a, m, ops in main_listing if m == "call" and ops.startswith("0x"))
    assert (records["ip"] == call).sum() == LOOP


def test_store_and_load_addresses(full_trace, programs):
    records, _ = full_trace
    sym = _symbols(programs["loop"])
    stores = records["destination_memory"]
    assert (stores == sym["counter"]).any(axis=1).sum() == LOOP
    assert (stores == sym["sink"]).any(axis=1).sum() == LOOP + 1  # the loop, then the indirect call
    loads = records["source_memory"]
    table_loads = loads[(loads >= sym["table"]) & (loads < sym["table"] + 64)]
    assert len(table_loads) == LOOP + 1
    assert sorted(set(table_loads.tolist())) == [sym["table"] + 8 * k for k in range(8)]


def test_calls_and_returns_use_champsims_register_pattern(full_trace, programs):
    records, _ = full_trace
    sym = _symbols(programs["loop"])
    listing = _main_instructions(programs["loop"])
    direct_call = next(a for a, m, ops in listing if m == "call" and ops.startswith("0x"))
    indirect_call = next(a for a, m, ops in listing if m == "call" and not ops.startswith("0x"))
    work_ret = next(r for r in records if r["ip"] > sym["work"] and r["ip"] < sym["work"] + 64 and r["is_branch"])

    def kind(ip):
        rec = records[records["ip"] == ip][0]
        return champsim_branch_type(list(rec["source_registers"]), list(rec["destination_registers"]))

    assert kind(direct_call) == "direct_call"
    assert kind(indirect_call) == "indirect_call"
    assert champsim_branch_type(list(work_ret["source_registers"]), list(work_ret["destination_registers"])) == "return"
    rec = records[records["ip"] == direct_call][0]
    assert set(rec["source_registers"]) - {0} == {REG_INSTRUCTION_POINTER, REG_STACK_POINTER}
    assert set(rec["destination_registers"]) == {REG_INSTRUCTION_POINTER, REG_STACK_POINTER}
    assert set(work_ret["source_registers"]) - {0} == {REG_STACK_POINTER}
    # The call pushes the return address: one store to the stack.
    assert rec["destination_memory"][0] != 0
    # Across the whole run (libc included) ChampSim recognises every branch, and taken implies branch.
    branches = records[records["is_branch"] == 1]
    kinds = {champsim_branch_type(list(r["source_registers"]), list(r["destination_registers"])) for r in branches}
    assert "other" not in kinds and "not_branch" not in kinds
    assert kinds >= {"conditional", "direct_call", "indirect_call", "return", "direct_jump"}
    non_branches = records[records["is_branch"] == 0]
    assert not (non_branches["destination_registers"] == REG_INSTRUCTION_POINTER).any()
    assert not (non_branches["branch_taken"]).any()
    uncond = [r for r in branches[:5000] if champsim_branch_type(list(r["source_registers"]),
                                                                  list(r["destination_registers"])) != "conditional"]
    assert all(r["branch_taken"] for r in uncond)


def test_skip_and_max_instructions_slice_the_same_run(full_trace, programs, tmp_path):
    from ipc_predict.tracer import trace_program

    records, _ = full_trace
    main = _symbols(programs["loop"])["main"]
    start = int(np.flatnonzero(records["ip"] == main)[0])
    out = tmp_path / "slice.champsimtrace"
    result = trace_program(programs["loop"], [], out, env=ENV, stdout=subprocess.DEVNULL,
                           start_at="main", skip=7, max_instructions=300)
    part = read_trace(out)
    assert result.instructions == len(part) == 300 and result.skipped == start + 7
    assert np.array_equal(part, records[start + 7 : start + 307])  # byte-identical, branch outcomes included

    out2 = tmp_path / "head.champsimtrace.gz"
    trace_program(programs["loop"], [], out2, env=ENV, stdout=subprocess.DEVNULL, skip=1000, max_instructions=50)
    assert np.array_equal(read_trace(out2), records[1000:1050])


def test_cli_trace_writes_a_trace(programs, tmp_path):
    out = tmp_path / "cli.champsimtrace.xz"
    res = CliRunner().invoke(cli, ["ipc", "trace", "--max-instructions", "2000", "-o", str(out), "--",
                                   str(programs["loop"]), "ignored-arg"])
    assert res.exit_code == 0, res.output
    assert len(read_trace(out)) == 2000
    assert "2000 instructions" in res.output


@pytest.mark.parametrize("case", ["crash", "missing", "not_elf", "not_executable", "exit_status"])
def test_cli_errors_exit_2_and_leave_no_file(programs, tmp_path, case):
    d = tmp_path
    if case == "crash":
        program = [str(programs["crash"])]
        expect = "SIGSEGV"
    elif case == "missing":
        program = [str(d / "no-such-program")]
        expect = "not found"
    elif case == "not_elf":
        script = d / "script.sh"
        script.write_text("#!/bin/sh\necho hi\n")
        script.chmod(0o755)
        program = [str(script)]
        expect = "ELF"
    elif case == "not_executable":
        plain = d / "plain"
        shutil.copy(programs["loop"], plain)
        plain.chmod(0o644)
        program = [str(plain)]
        expect = "not executable"
    else:
        program = ["sh", "-c", "exit 3"]
        expect = "status 3"
    out = d / "out" / "t.champsimtrace.xz"
    out.parent.mkdir()
    res = CliRunner().invoke(cli, ["ipc", "trace", "-o", str(out), "--", *program])
    assert res.exit_code == 2, res.output
    assert expect in res.output
    assert len([line for line in res.output.splitlines() if line.startswith("edaflow: error")]) == 1
    assert list(out.parent.iterdir()) == []


def test_missing_valgrind_is_reported_with_install_advice(programs, tmp_path, monkeypatch):
    monkeypatch.setenv("EDAFLOW_VALGRIND", str(tmp_path / "no-valgrind"))
    res = CliRunner().invoke(cli, ["ipc", "trace", "-o", str(tmp_path / "t.xz"), "--", str(programs["loop"])])
    assert res.exit_code == 2
    assert "apt-get install valgrind" in res.output


def test_missing_capstone_is_reported_with_install_advice(programs, tmp_path, monkeypatch):
    import ipc_predict.tracer as tracer

    monkeypatch.setattr(tracer, "_capstone_version", lambda: None)
    res = CliRunner().invoke(cli, ["ipc", "trace", "-o", str(tmp_path / "t.xz"), "--", str(programs["loop"])])
    assert res.exit_code == 2
    assert "pip install capstone" in res.output
    assert list(tmp_path.iterdir()) == []


def test_start_at_unknown_symbol_and_too_large_skip(programs, tmp_path):
    from ipc_predict.tracer import trace_program

    with pytest.raises(InputError, match="no symbol"):
        trace_program(programs["loop"], [], tmp_path / "a.xz", start_at="no_such_function")
    with pytest.raises(InputError, match="--skip"):
        trace_program(programs["loop"], [], tmp_path / "b.xz", env=ENV, skip=10**9, stdout=subprocess.DEVNULL)
    assert list(tmp_path.iterdir()) == []


def test_dynamically_linked_program(tmp_path):
    """Code in shared libraries (and valgrind's preload objects) is decoded from the mapped files."""
    from ipc_predict.tracer import trace_program

    out = tmp_path / "true.champsimtrace.xz"
    result = trace_program("true", [], out, env=ENV)
    assert result.complete and result.instructions > 10_000
    assert result.undecoded_addresses == 0


def test_tracer_requirements_lists_tools():
    from ipc_predict.tracer import tracer_requirements

    rows = tracer_requirements()
    names = [name for name, _version, _advice in rows]
    assert names == ["valgrind", "capstone", "gcc"]
    assert all(version for _n, version, _a in rows)  # all present on a machine that runs these tests
    assert "apt-get install valgrind" in rows[0][2] and "pip install capstone" in rows[1][2]


# --------------------------------------------------------------------------- units (no valgrind)


def test_lackey_chunk_parser():
    from ipc_predict.tracer_lackey import LOAD, MODIFY, STORE, count_instruction_lines, parse_chunk

    text = (
        b"==12== Lackey, an example Valgrind tool\n"
        b"I  00401000,3\n L 1fff000770,8\n S 1fff000768,8\n"
        b"I  00401003,2\n"
        b"--12-- a valgrind note, with a comma\n"
        b"I  ffffffffff600000,5\n M 0000000000601040,4\n L 7ffd0,32\n"
    )
    chunk = parse_chunk(text)
    assert chunk.ips.tolist() == [0x401000, 0x401003, 0xFFFFFFFFFF600000]
    assert chunk.memory_owner.tolist() == [0, 0, 2, 2]
    assert chunk.memory_kind.tolist() == [LOAD, STORE, MODIFY, LOAD]
    assert chunk.memory_address.tolist() == [0x1FFF000770, 0x1FFF000768, 0x601040, 0x7FFD0]
    assert len(chunk.messages) == 2 and "comma" in chunk.messages[1]
    assert count_instruction_lines(text) == 3


def test_register_numbers():
    from ipc_predict.tracer_decode import register_number

    assert register_number("al") == register_number("eax") == register_number("rax") == 1
    assert register_number("spl") == register_number("rsp") == REG_STACK_POINTER
    assert register_number("r8d") == 9 and register_number("r15b") == 16
    assert register_number("rflags") == REG_FLAGS and register_number("rip") == REG_INSTRUCTION_POINTER
    assert register_number("xmm3") == register_number("ymm3") == register_number("zmm3")
    assert register_number("fs") == 0
    numbers = {register_number(n) for n in ("rax rcx rdx rbx rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15".split())}
    assert len(numbers) == 15 and not numbers & {0, REG_STACK_POINTER, REG_FLAGS, REG_INSTRUCTION_POINTER}


@pytest.mark.parametrize(
    "hex_bytes, kind",
    [
        ("7405", "conditional"),  # je
        ("e3fe", "conditional"),  # jrcxz
        ("ebfe", "direct_jump"),  # jmp rel8
        ("ffe0", "indirect"),  # jmp rax
        ("3effe0", "indirect"),  # notrack jmp rax
        ("ff25e22f0000", "indirect"),  # jmp [rip+x] (PLT): no register but IP
        ("e800000000", "direct_call"),
        ("ffd0", "indirect_call"),  # call rax
        ("ff15e22f0000", "indirect_call"),  # call [rip+x]
        ("c3", "return"),
        ("c20800", "return"),  # ret 8
        ("4889e5", "not_branch"),  # mov rbp, rsp
        ("488b0500100000", "not_branch"),  # mov rax, [rip+x]: IP is not listed
    ],
)
def test_decoder_branch_patterns(hex_bytes, kind):
    from ipc_predict.tracer_decode import X86Decoder

    info = X86Decoder().decode(0x401000, bytes.fromhex(hex_bytes))
    assert info.length == len(hex_bytes) // 2
    assert champsim_branch_type(list(info.source_registers), list(info.destination_registers)) == kind
    assert len(info.source_registers) <= 4 and len(info.destination_registers) <= 2


def test_decoder_unknown_bytes():
    from ipc_predict.tracer_decode import UNKNOWN_INSTRUCTION, X86Decoder

    assert X86Decoder().decode(0x1000, None) is UNKNOWN_INSTRUCTION
    assert X86Decoder().decode(0x1000, b"\x06") == UNKNOWN_INSTRUCTION  # push es: invalid in 64-bit mode
