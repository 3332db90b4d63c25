"""Measure how build time and peak memory grow with the number of awards.

Each size is built in a fresh subprocess so peak memory (ru_maxrss) belongs to
that build alone. Targets are ratios between sizes measured in the same run,
so they do not depend on how fast the machine is.

Usage: python benchmarks/bench_build.py [--sizes 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BADGE = "he-industry-dialogue"

# Work per award should stay constant: 10x the awards may cost at most 13x the
# time (some fixed start-up cost is shared) and at most 3x the peak memory,
# because baked images are written one award at a time.
MAX_TIME_RATIO_PER_10X = 13.0
MAX_MEMORY_RATIO_PER_10X = 3.0

_MEASURE = """
import json, resource, sys, time
from pathlib import Path
from generator.build import build_site
started = time.perf_counter()
root, output = Path(sys.argv[1]), Path(sys.argv[2])
result = build_site(root, output, today="2026-12-04", environ={})
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib, "files": result.files}))
"""


def make_site(target: Path, awards: int) -> Path:
    """Copy the shipped site and add generated award records."""
    for name in ("content", "site_src"):
        shutil.copytree(REPO / name, target / name)
    folder = target / "assertions" / BADGE
    folder.mkdir(parents=True)
    template = (REPO / "assertions" / BADGE / "2026-maria-okafor.yml").read_text()
    for index in range(awards):
        text = template.replace("Maria Okafor", f"Holder {index}")
        (folder / f"bench-{index:06d}.yml").write_text(text, encoding="utf-8")
    return target


def measure(awards: int) -> dict[str, float]:
    """Build a site with `awards` awards in a subprocess and return its numbers."""
    with tempfile.TemporaryDirectory() as scratch:
        root = make_site(Path(scratch) / "site", awards)
        completed = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(root), str(root / "output")],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
    return json.loads(completed.stdout)


def main() -> int:
    """Run the benchmark, print a table and exit 1 when a ratio misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    small, large = options.sizes
    rows = {}
    for size in (small, large):
        runs = [measure(size) for _ in range(options.repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        rows[size] = best
        megabytes = best["peak_kib"] / 1024
        sys.stdout.write(
            f"{size:>6} awards: {best['seconds']:.2f} s, "
            f"peak {megabytes:.0f} MiB, {best['files']} files\n"
        )
    scale = (large / small) / 10
    time_ratio = rows[large]["seconds"] / rows[small]["seconds"]
    memory_ratio = rows[large]["peak_kib"] / rows[small]["peak_kib"]
    time_limit = MAX_TIME_RATIO_PER_10X * scale
    memory_limit = MAX_MEMORY_RATIO_PER_10X * scale
    sys.stdout.write(
        f"time ratio {time_ratio:.2f} (target <= {time_limit:.1f}), "
        f"memory ratio {memory_ratio:.2f} (target <= {memory_limit:.1f})\n"
    )
    return 0 if time_ratio <= time_limit and memory_ratio <= memory_limit else 1


if __name__ == "__main__":
    sys.exit(main())
