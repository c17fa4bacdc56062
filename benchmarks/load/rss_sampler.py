"""Sample the resident memory of a process tree (the gunicorn master and its workers) from /proc.

    python3 benchmarks/load/rss_sampler.py --pid 1234 --output rss.json [--interval 0.5]

Runs until SIGTERM/SIGINT or until the master exits, then writes the peaks as JSON: the largest RSS of
any single worker, of the master, and of the whole tree summed at one sampling instant.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kib(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return None


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields after it are fixed.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()

    running = True

    def stop(*_: object) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    peak_worker = peak_master = peak_total = 0
    workers_seen: set[int] = set()
    samples = 0
    while running:
        master = _rss_kib(args.pid)
        if master is None:
            break
        workers = {pid: _rss_kib(pid) for pid in _children(args.pid)}
        sizes = [size for size in workers.values() if size is not None]
        workers_seen.update(workers)
        peak_master = max(peak_master, master)
        peak_worker = max([peak_worker, *sizes])
        peak_total = max(peak_total, master + sum(sizes))
        samples += 1
        time.sleep(args.interval)
    result = {
        "peak_worker_rss_mib": round(peak_worker / 1024, 1),
        "peak_master_rss_mib": round(peak_master / 1024, 1),
        "peak_total_rss_mib": round(peak_total / 1024, 1),
        "workers_seen": len(workers_seen),
        "samples": samples,
        "interval_s": args.interval,
    }
    Path(args.output).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
