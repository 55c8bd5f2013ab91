"""CPU accounting for the benchmarks, read from /proc (Linux): the CPU seconds of the
processes a benchmark starts (less sensitive to other load than wall time), and how busy
the whole machine was meanwhile."""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes():
    """(command line, stat fields after the name) of every live process."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield cmd, stat


def cpu_seconds(*name_parts):
    """User + system CPU of the live processes whose command line has all of name_parts."""
    return sum((int(stat[11]) + int(stat[12])) / TICK for cmd, stat in _processes()
               if all(part in cmd for part in name_parts))


def children_cpu_seconds(parent=None):
    """User + system CPU of the live children of `parent` (this process), each with the
    children it has reaped (e.g. a fork server's workers)."""
    parent = parent or os.getpid()
    return sum(sum(int(v) for v in stat[11:15]) / TICK for _cmd, stat in _processes()
               if int(stat[1]) == parent)


def machine_cpu():
    """(busy, total) CPU seconds the whole machine has spent so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy / TICK, (busy + idle + iowait) / TICK
