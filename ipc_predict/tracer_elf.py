"""Just enough ELF reading for the tracer: is it an x86-64 executable, where is its code, which symbols.

Only the headers, the program headers and the static symbol table are read (struct, no dependency).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from edaflow.errors import InputError

_ELF_MAGIC = b"\x7fELF"
_ELFCLASS64 = 2
_ELFDATA2LSB = 1
_EM_X86_64 = 62
_ET_EXEC, _ET_DYN = 2, 3
_PT_LOAD, _PT_INTERP = 1, 3
_PF_X = 1
_SHT_SYMTAB = 2


@dataclass(frozen=True)
class ElfSegment:
    """One PT_LOAD segment: `filesz` bytes at file `offset` are mapped at `vaddr` (link-time address)."""

    vaddr: int
    memsz: int
    offset: int
    filesz: int
    executable: bool


@dataclass(frozen=True)
class ElfImage:
    """What the tracer needs to know about an x86-64 ELF executable."""

    path: Path
    position_independent: bool  # ET_DYN: loaded at an address chosen at run time
    interpreter: str | None  # PT_INTERP (the dynamic loader), None for a static executable
    segments: tuple[ElfSegment, ...]

    @property
    def static(self) -> bool:
        """Statically linked: no dynamic loader, so all executed code is in this file."""
        return self.interpreter is None

    def file_range(self, address: int) -> tuple[int, int] | None:
        """(file offset, bytes available) of run-time `address` in an executable segment (non-PIE only)."""
        if self.position_independent:
            return None
        for seg in self.segments:
            if seg.executable and seg.vaddr <= address < seg.vaddr + seg.filesz:
                return seg.offset + address - seg.vaddr, seg.vaddr + seg.filesz - address
        return None

    def code_bytes(self, address: int, size: int = 16) -> bytes | None:
        """Up to `size` bytes at run-time `address` from an executable segment (non-PIE only)."""
        where = self.file_range(address)
        if where is None:
            return None
        with open(self.path, "rb") as fh:
            return os.pread(fh.fileno(), min(size, where[1]), where[0])


def read_elf(path: str | os.PathLike) -> ElfImage:
    """Read an x86-64 ELF executable's headers; InputError if `path` is anything else."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            header = fh.read(64)
            if header[:4] != _ELF_MAGIC:
                raise InputError("not an ELF executable (the tracer runs x86-64 ELF programs)", path=str(path))
            if header[4] != _ELFCLASS64 or header[5] != _ELFDATA2LSB:
                raise InputError("not a 64-bit little-endian ELF file (the tracer needs x86-64)", path=str(path))
            e_type, e_machine = struct.unpack_from("<HH", header, 16)
            if e_machine != _EM_X86_64:
                raise InputError(f"ELF machine {e_machine} is not x86-64 (62)", path=str(path))
            if e_type not in (_ET_EXEC, _ET_DYN):
                raise InputError("ELF file is not an executable (object file or core dump?)", path=str(path))
            (e_phoff,) = struct.unpack_from("<Q", header, 32)
            e_phentsize, e_phnum = struct.unpack_from("<HH", header, 54)
            fh.seek(e_phoff)
            table = fh.read(e_phentsize * e_phnum)
            segments = []
            interpreter = None
            for i in range(e_phnum):
                p_type, p_flags, p_offset, p_vaddr, _paddr, p_filesz, p_memsz, _align = struct.unpack_from(
                    "<IIQQQQQQ", table, i * e_phentsize
                )
                if p_type == _PT_LOAD:
                    segments.append(ElfSegment(p_vaddr, p_memsz, p_offset, p_filesz, bool(p_flags & _PF_X)))
                elif p_type == _PT_INTERP:
                    fh.seek(p_offset)
                    interpreter = fh.read(p_filesz).rstrip(b"\0").decode("utf-8", "replace")
    except OSError as exc:
        raise InputError(f"cannot read program: {exc.strerror}", path=str(path)) from exc
    except struct.error as exc:
        raise InputError("truncated ELF file", path=str(path)) from exc
    return ElfImage(path, e_type == _ET_DYN, interpreter, tuple(segments))


def symbol_address(path: str | os.PathLike, name: str) -> int | None:
    """Link-time address of function or object `name` from the static symbol table (.symtab), or None."""
    with open(path, "rb") as fh:
        data = fh.read()
    (e_shoff,) = struct.unpack_from("<Q", data, 40)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 58)
    # Section header: name, type, flags, addr, offset, size, link, info, addralign, entsize.
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    wanted = name.encode() + b"\0"
    for _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, _info, _align, sh_entsize in sections:
        if sh_type != _SHT_SYMTAB or sh_entsize == 0:
            continue
        strtab_offset = sections[sh_link][4]
        for j in range(sh_size // sh_entsize):
            st_name, _st_info, _other, st_shndx, st_value, _size = struct.unpack_from(
                "<IBBHQQ", data, sh_offset + j * sh_entsize
            )
            if st_shndx == 0 or st_value == 0:
                continue
            start = strtab_offset + st_name
            if data[start : start + len(wanted)] == wanted:
                return st_value
    return None
