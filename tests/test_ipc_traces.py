"""ChampSim trace reading/writing: round trips, streaming, and the errors bad files must raise."""

from __future__ import annotations

import gzip
import lzma

import numpy as np
import pytest

from edaflow.errors import InputError
from ipc_predict import microbench as mb
from ipc_predict.traces import (
    RECORD_SIZE,
    TRACE_DTYPE,
    TraceWriter,
    prefetch_chunks,
    read_trace,
    read_trace_chunks,
    write_trace,
)


def _records(n: int = 1000) -> np.ndarray:
    r = mb.mixed(n, seed=3)
    r["destination_memory"][::17, 1] = 0xDEADBEEF00  # exercise every field
    r["source_memory"][::13, 3] = 0x7FFF0000
    r["source_registers"][::11, 2:] = 255
    return r


def test_record_layout_matches_champsim():
    assert TRACE_DTYPE.itemsize == RECORD_SIZE == 64
    offsets = {name: TRACE_DTYPE.fields[name][1] for name in TRACE_DTYPE.names}
    assert offsets == {"ip": 0, "is_branch": 8, "branch_taken": 9, "destination_registers": 10,
                       "source_registers": 12, "destination_memory": 16, "source_memory": 32}


@pytest.mark.parametrize("suffix", ["", ".gz", ".xz"])
def test_round_trip(tmp_path, suffix):
    r = _records()
    path = tmp_path / f"t.champsimtrace{suffix}"
    assert write_trace(path, r) == len(r)
    back = read_trace(path)
    assert back.dtype == TRACE_DTYPE
    assert np.array_equal(back, r)
    # Chunks of a size that does not divide the count, and a record limit.
    chunks = list(read_trace_chunks(path, chunk_records=300))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    assert np.array_equal(np.concatenate(chunks), r)
    assert np.array_equal(read_trace(path, max_records=450), r[:450])


def test_compression_follows_suffix_and_detection_follows_content(tmp_path):
    r = _records(200)
    write_trace(tmp_path / "a.xz", r)
    write_trace(tmp_path / "a.gz", r)
    write_trace(tmp_path / "a.trace", r)
    assert (tmp_path / "a.xz").read_bytes()[:6] == b"\xfd7zXZ\x00"
    assert (tmp_path / "a.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert (tmp_path / "a.trace").stat().st_size == 200 * 64
    # An xz stream is recognised even without the suffix.
    (tmp_path / "noext").write_bytes((tmp_path / "a.xz").read_bytes())
    assert np.array_equal(read_trace(tmp_path / "noext"), r)


def test_writer_counts_records_across_writes(tmp_path):
    r = _records(500)
    with TraceWriter(tmp_path / "w.xz") as w:
        w.write(r[:123])
        w.write(r[123:])
        assert w.records == 500
    assert np.array_equal(read_trace(tmp_path / "w.xz"), r)


def test_empty_trace(tmp_path):
    (tmp_path / "empty.trace").write_bytes(b"")
    assert len(read_trace(tmp_path / "empty.trace")) == 0


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such trace file") as e:
        read_trace_chunks(tmp_path / "nope.xz")  # fails at the call, before iteration
    assert str(tmp_path / "nope.xz") in str(e.value)
    with pytest.raises(InputError, match="directory"):
        read_trace(tmp_path)


def test_raw_size_not_multiple_of_64(tmp_path):
    p = tmp_path / "cut.trace"
    p.write_bytes(_records(10).tobytes()[: 64 * 7 + 20])
    with pytest.raises(InputError, match=r"middle of record 7") as e:
        read_trace(p)
    assert e.value.path == str(p)


def test_compressed_stream_ending_mid_record(tmp_path):
    data = _records(10).tobytes()[: 64 * 9 + 5]
    for name, blob in (("x.xz", lzma.compress(data)), ("x.gz", gzip.compress(data))):
        (tmp_path / name).write_bytes(blob)
        with pytest.raises(InputError, match=r"middle of record 9"):
            read_trace(tmp_path / name)


def test_truncated_compressed_file(tmp_path):
    r = mb.mixed(20000, seed=1)
    for name in ("t.xz", "t.gz"):
        write_trace(tmp_path / name, r)
        blob = (tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(blob[: len(blob) // 2])
        with pytest.raises(InputError, match="ends early|corrupt") as e:
            read_trace(tmp_path / name)
        assert name in str(e.value)


def test_garbage_named_as_compressed(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("g.xz", "g.gz"):
        (tmp_path / name).write_bytes(rng.bytes(640))
        with pytest.raises(InputError, match="not an (xz|gz) stream"):
            read_trace(tmp_path / name)


def test_garbage_after_compressed_stream(tmp_path):
    blob = lzma.compress(_records(10).tobytes()) + b"this is not xz" * 10
    (tmp_path / "tail.xz").write_bytes(blob)
    with pytest.raises(InputError, match="corrupt xz stream"):
        read_trace(tmp_path / "tail.xz")


def test_garbage_raw_file_is_rejected(tmp_path):
    (tmp_path / "noise.trace").write_bytes(np.random.default_rng(1).bytes(64 * 100))
    with pytest.raises(InputError, match="record 0 .*not a valid ChampSim record"):
        read_trace(tmp_path / "noise.trace")


@pytest.mark.parametrize("field,value", [("is_branch", 2), ("branch_taken", 7)])
def test_invalid_record_names_its_index(tmp_path, field, value):
    r = _records(100)
    r["is_branch"][42] = 1
    r[field][42] = value
    write_trace(tmp_path / "bad.gz", r)
    with pytest.raises(InputError, match=r"record 42\b"):
        list(read_trace_chunks(tmp_path / "bad.gz", chunk_records=16))


def test_taken_non_branch_is_invalid(tmp_path):
    r = _records(50)
    r["is_branch"][7] = 0
    r["branch_taken"][7] = 1
    write_trace(tmp_path / "b.trace", r)
    with pytest.raises(InputError, match="record 7"):
        read_trace(tmp_path / "b.trace")
    assert len(read_trace(tmp_path / "b.trace", validate=False)) == 50


def test_prefetch_chunks_same_data_and_errors():
    chunks = [np.full(5, i, dtype=np.int64) for i in range(10)]
    assert [int(c[0]) for c in prefetch_chunks(iter(chunks))] == list(range(10))

    def failing():
        yield chunks[0]
        raise InputError("boom", path="x")

    got = []
    with pytest.raises(InputError, match="boom"):
        for c in prefetch_chunks(failing()):
            got.append(c)
    assert len(got) == 1
    # Abandoning the consumer early must not hang.
    for c in prefetch_chunks(iter(chunks), depth=1):
        break
