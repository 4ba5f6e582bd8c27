"""What the process may use: available memory, the check before a large allocation, cores."""

import io
import os

import pytest

import fastreg._solvers.memory as memory
from fastreg.exceptions import InsufficientMemoryError


def fake_open(text, opened):
    def open_(path, *args, **kwargs):
        opened.append(path)
        if text is None:
            raise OSError("no such file")
        return io.StringIO(text)
    return open_


def test_available_memory_reads_mem_available_in_kibibytes(monkeypatch):
    opened = []
    monkeypatch.setattr(memory, "open", fake_open("MemTotal:  8000 kB\nMemAvailable:   2048 kB\n", opened),
                        raising=False)
    assert memory.available_memory() == 2048 * 1024
    assert opened == ["/proc/meminfo"]


def test_without_meminfo_free_pages_count_and_without_either_none(monkeypatch):
    monkeypatch.setattr(memory, "open", fake_open(None, []), raising=False)
    asked = []

    def sysconf(name):
        asked.append(name)
        return {"SC_AVPHYS_PAGES": 300, "SC_PAGE_SIZE": 4096}[name]

    monkeypatch.setattr(os, "sysconf", sysconf)
    assert memory.available_memory() == 300 * 4096
    assert sorted(asked) == ["SC_AVPHYS_PAGES", "SC_PAGE_SIZE"]

    def unsupported(name):
        raise ValueError(name)

    monkeypatch.setattr(os, "sysconf", unsupported)
    assert memory.available_memory() is None


def test_meminfo_without_the_line_falls_back_to_pages(monkeypatch):
    monkeypatch.setattr(memory, "open", fake_open("MemTotal:  8000 kB\n", []), raising=False)
    monkeypatch.setattr(os, "sysconf", lambda name: {"SC_AVPHYS_PAGES": 5, "SC_PAGE_SIZE": 10}[name])
    assert memory.available_memory() == 50


def test_available_memory_on_this_machine_is_plausible():
    available = memory.available_memory()
    assert available is None or 0 < available < 1 << 50


def test_the_check_starts_at_its_threshold_and_carries_both_figures(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    memory.require_memory(memory.CHECK_FROM_BYTES - 1, "small", "none")  # below the threshold: not checked
    with pytest.raises(InsufficientMemoryError) as error:
        memory.require_memory(memory.CHECK_FROM_BYTES, "the thing", "Do less.")
    assert str(error.value) == "the thing need 67.1 MB but only 1,000 bytes of memory is available. Do less."
    assert (error.value.needed, error.value.available) == (memory.CHECK_FROM_BYTES, 1000)
    monkeypatch.setattr(memory, "available_memory", lambda: memory.CHECK_FROM_BYTES)
    memory.require_memory(memory.CHECK_FROM_BYTES, "exactly enough", "")
    monkeypatch.setattr(memory, "available_memory", lambda: None)
    memory.require_memory(1 << 60, "unknown memory", "")  # nothing to compare with: no error


@pytest.mark.parametrize("nbytes, text", [
    (999_999, "999,999 bytes"), (10**6, "1.0 MB"), (10**9 - 1, "1000.0 MB"), (10**9, "1.0 GB"),
    (25 * 10**8, "2.5 GB"), (10**12, "1.0 TB"), (3 * 10**13, "30.0 TB"),
])
def test_format_bytes(nbytes, text):
    assert memory.format_bytes(nbytes) == text


def test_available_cores(monkeypatch):
    if hasattr(os, "sched_getaffinity"):
        assert memory.available_cores() == len(os.sched_getaffinity(0))
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # pinned to one of 8 cores
        monkeypatch.setattr(os, "cpu_count", lambda: 8)
        assert memory.available_cores() == 1
        monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert memory.available_cores() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert memory.available_cores() == 1

