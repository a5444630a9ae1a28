#!/usr/bin/env python3
"""Times two think-lint binaries against each other, run by run.

    scripts/bench-ab.py --base BIN --candidate BIN [--runs N] [--one-core] [--wall] -- ARGS...
    scripts/bench-ab.py --base BIN --candidate BIN --count [--cache] [--branches] -- ARGS...

Runs `BIN ARGS...` for the base and the candidate in alternating pairs
(base first in even pairs, candidate first in odd ones), so that a change in
the machine's load between runs falls on both alike, and reports their
median wall and CPU time (user + system, from the kernel's accounting of
the child) and the ratio candidate / base of CPU time (wall time with
`--wall`) over each two pairs in a row (base, candidate, candidate,
base): its median, and a 95% interval for that median by resampling
those blocks. A
change smaller than that interval is one this machine cannot tell from
noise. It also runs each binary once more to compare their outputs byte
for byte: a speed change should not change what is printed.

Each binary is timed as a fresh copy, in a folder of its own, as an
installed binary is: the same bytes in a file the linker has just written,
or in one rewritten in place, were measured to start a short run (one
draft) some 15% slower, with more page faults, than a fresh copy.

With `--count` it times nothing: it runs each binary once under
valgrind's callgrind, on one thread (RAYON_NUM_THREADS=1), and reports the
instructions each ran and their ratio. Unlike times, counts come out the
same on a busy machine as on an idle one, so a change of half a per cent
shows. What a count does not see is the time a run waits on memory or on
a mispredicted branch: `--cache` adds callgrind's simulated first- and
last-level data cache misses, `--branches` its mispredicted branches. A
count says a change does less work; only timed runs say it takes less
time.

scripts/bench-ab.sh builds the two binaries and the corpus, and calls this.
"""

import argparse
import hashlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


# Blocks of two pairs a verdict needs: with fewer, resampling them gives
# intervals too narrow to trust.
MIN_BLOCKS = 8


def run_once(cmd, env):
    """One run's wall and CPU seconds and exit code (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def output_digest(cmd, env):
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return hashlib.sha256(done.stdout).hexdigest(), done.returncode


def median_interval(ratios, rounds=2000, seed=7):
    """The 2.5th and 97.5th percentiles of the median of resampled pairs."""
    rng = random.Random(seed)
    medians = sorted(
        statistics.median(rng.choice(ratios) for _ in ratios) for _ in range(rounds)
    )
    return medians[int(0.025 * rounds)], medians[int(0.975 * rounds) - 1]


def quartile(values):
    return statistics.quantiles(values, n=4)[0] if len(values) > 1 else values[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="the binary to compare against")
    p.add_argument("--candidate", required=True, help="the binary being measured")
    p.add_argument("--base-label", default="base")
    p.add_argument("--candidate-label", default="candidate")
    p.add_argument("--runs", type=int, default=20, help="pairs of runs, even (default 20)")
    p.add_argument(
        "--one-core",
        action="store_true",
        help="one rayon thread, pinned to CPU 0 with taskset when it is there",
    )
    p.add_argument(
        "--wall",
        action="store_true",
        help="compare wall times rather than CPU times: for a change that moves work"
        " between cores (overlapping it) rather than doing less of it",
    )
    p.add_argument(
        "--count",
        action="store_true",
        help="count instructions under valgrind's callgrind (one thread) instead of timing",
    )
    p.add_argument("--cache", action="store_true", help="with --count: also data cache misses")
    p.add_argument(
        "--branches", action="store_true", help="with --count: also mispredicted branches"
    )
    p.add_argument("args", nargs="+", help="think-lint's arguments, after --")
    a = p.parse_args()
    if (a.cache or a.branches) and not a.count:
        p.error("--cache and --branches go with --count")
    if a.count and shutil.which("valgrind") is None:
        p.error("--count needs valgrind (Debian: apt-get install valgrind)")
    if a.runs < 4 or a.runs % 2:
        p.error("--runs must be even and at least 4 (pairs are compared two by two)")
    for b in (a.base, a.candidate):
        if not os.access(b, os.X_OK):
            p.error(f"{b}: not an executable file (build it first, or use scripts/bench-ab.sh)")
    # Beside the base, so that the copies sit on the file system it does.
    where = os.path.dirname(os.path.abspath(a.base))
    if not os.access(where, os.W_OK):
        where = None
    with tempfile.TemporaryDirectory(prefix="bench-ab.", dir=where) as copies:
        a.base = fresh_copy(a.base, os.path.join(copies, "base"))
        a.candidate = fresh_copy(a.candidate, os.path.join(copies, "candidate"))
        return count(a) if a.count else compare(a)


def fresh_copy(binary, folder):
    """A new copy of `binary` in `folder`, under the same name."""
    os.mkdir(folder)
    return shutil.copy(binary, os.path.join(folder, os.path.basename(binary)))


def compare(a):
    """Times `a.base` against `a.candidate` and prints the figures; the exit
    code of the script."""
    env = dict(os.environ)
    prefix = []
    if a.one_core:
        env["RAYON_NUM_THREADS"] = "1"
        if shutil.which("taskset"):
            prefix = ["taskset", "-c", "0"]
    cmds = {
        "base": prefix + [a.base] + a.args,
        "candidate": prefix + [a.candidate] + a.args,
    }

    # One untimed run each, so that the files are in the page cache.
    for cmd in cmds.values():
        run_once(cmd, env)
    times = {"base": [], "candidate": []}
    codes = set()
    for i in range(a.runs):
        order = ("base", "candidate") if i % 2 == 0 else ("candidate", "base")
        for who in order:
            wall, cpu, code = run_once(cmds[who], env)
            times[who].append((wall, cpu))
            codes.add((who, code))
    if len({code for _, code in codes}) > 1:
        print(f"warning: the two binaries exit differently: {sorted(codes)}", file=sys.stderr)
    # think-lint exits 0 or 1 when it checked everything (1: a post failed).
    failed = sorted((who, code) for who, code in codes if code not in (0, 1))
    if failed:
        print(f"warning: runs that did not finish their check: {failed}", file=sys.stderr)

    labels = {"base": a.base_label, "candidate": a.candidate_label}
    width = max(len(s) for s in labels.values())
    print(f"{'':{width}}  {'median wall':>12}  {'median CPU':>11}  {'CPU, 1st quartile':>17}")
    for who in ("base", "candidate"):
        walls = [w for w, _ in times[who]]
        cpus = [c for _, c in times[who]]
        print(
            f"{labels[who]:{width}}  {statistics.median(walls) * 1e3:9.1f} ms"
            f"  {statistics.median(cpus) * 1e3:8.1f} ms  {quartile(cpus) * 1e3:14.1f} ms"
        )
    # Two pairs in a row ran base, candidate, candidate, base (or the
    # other way round): their sums cancel whatever the second run of a
    # pair gains or loses, and a steady drift of the machine's load.
    what, pick = ("wall", 0) if a.wall else ("CPU", 1)
    t = {who: [run[pick] for run in times[who]] for who in times}
    ratios = [
        (t["candidate"][i] + t["candidate"][i + 1]) / (t["base"][i] + t["base"][i + 1])
        for i in range(0, a.runs - 1, 2)
    ]
    mid = statistics.median(ratios)
    low, high = median_interval(ratios)
    print(
        f"{what} ratio {labels['candidate']} / {labels['base']}, over {len(ratios)} blocks of"
        f" two pairs: median {mid:.3f}, 95% interval {low:.3f} to {high:.3f}"
    )
    if len(ratios) < MIN_BLOCKS:
        print(f"verdict: none; {2 * MIN_BLOCKS} pairs at least are needed for one")
    elif high < 1:
        print(f"verdict: {labels['candidate']} is faster, by {(1 - mid) * 100:.1f}%")
    elif low > 1:
        print(f"verdict: {labels['candidate']} is slower, by {(mid - 1) * 100:.1f}%")
    else:
        print("verdict: no difference this machine can measure with these runs")

    digests = {who: output_digest(cmd, env) for who, cmd in cmds.items()}
    if digests["base"] == digests["candidate"]:
        print("outputs: byte-identical")
    else:
        print("outputs: DIFFER (compare the two binaries' output by hand)")
        return 1
    return 0


# Callgrind's names for the events each option adds to the instructions.
CACHE_EVENTS = ["D1mr", "D1mw", "DLmr", "DLmw"]
BRANCH_EVENTS = ["Bcm", "Bim"]


def counted(cmd, options):
    """The events callgrind counts in one run of `cmd` on one thread, and
    the run's output digest and exit code."""
    with tempfile.TemporaryDirectory(prefix="bench-ab.count.") as tmp:
        out_file = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ, RAYON_NUM_THREADS="1")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", *options, *cmd],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        events = totals = None
        if os.path.exists(out_file):
            with open(out_file, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("events:"):
                        events = line.split()[1:]
                    elif line.startswith(("totals:", "summary:")):
                        totals = [int(x) for x in line.split()[1:]]
        if events is None or totals is None:
            sys.exit(
                f"error: callgrind counted nothing for {cmd[0]}:\n"
                + done.stderr.decode(errors="replace")[-2000:]
            )
        digest = hashlib.sha256(done.stdout).hexdigest()
        return dict(zip(events, totals)), (digest, done.returncode)


def count(a):
    """Counts `a.base` against `a.candidate` and prints the figures; the exit
    code of the script."""
    options, wanted = [], ["Ir"]
    if a.cache:
        options.append("--cache-sim=yes")
        wanted += CACHE_EVENTS
    if a.branches:
        options.append("--branch-sim=yes")
        wanted += BRANCH_EVENTS
    labels = {"base": a.base_label, "candidate": a.candidate_label}
    counts, outputs = {}, {}
    for who, binary in (("base", a.base), ("candidate", a.candidate)):
        print(f"counting {labels[who]} ...", file=sys.stderr, flush=True)
        counts[who], outputs[who] = counted([binary] + a.args, options)
    width = max(16, *(len(s) for s in labels.values()))
    print(f"{'event':5}  {labels['base']:>{width}}  {labels['candidate']:>{width}}  {'ratio':>7}")
    for event in wanted:
        b, c = counts["base"].get(event), counts["candidate"].get(event)
        if b is None or c is None:
            continue
        ratio = f"{c / b:.4f}" if b else "-"
        print(f"{event:5}  {b:>{width},}  {c:>{width},}  {ratio:>7}")
    print(
        "(one thread; Ir: instructions; D1, DL: first- and last-level data cache misses,"
        " r read, w write; Bcm, Bim: mispredicted conditional and indirect branches)"
    )
    if outputs["base"] == outputs["candidate"]:
        print(f"outputs: byte-identical (exit code {outputs['base'][1]})")
        return 0
    print("outputs: DIFFER (compare the two binaries' output by hand)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
