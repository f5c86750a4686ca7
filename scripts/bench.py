#!/usr/bin/env python3
"""Benchmark netreach on synthetic clusters from ../shared/bench/gen_cluster.py.

usage: scripts/bench.py [--netreach PATH] [--generator PATH] [--keep DIR]

Generates each cluster once (fixed seed), runs the release build of netreach on it, and prints one line
per run: cluster, command, wall seconds, peak RSS, flows written. Numbers, not a pass/fail verdict.
"""
import argparse, os, resource, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (name, generator arguments, [(command words, output format)])
CLUSTERS = [
    ("pods=5000 policies=1000 ns=20", ["--pods", "5000", "--policies", "1000", "--seed", "1"],
     [(["list"], "txt"), (["list"], "json")]),
    ("workloads=300 (pods=3000) policies=300 ns=10 (--workloads)",
     ["--pods", "3000", "--policies", "300", "--namespaces", "10", "--apps-per-namespace", "30", "--workloads", "--seed", "1"],
     [(["list"], "txt"), (["list"], "json"), (["graph"], "svg"), (["graph", "--namespaces"], "svg")]),
]


def run(cmd, out_path):
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        stderr = proc.stderr.read().decode()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, code, stderr


def count_flows(path, fmt):
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)
    return lines - 2 if fmt == "json" and lines >= 2 else lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--netreach", default=os.path.join(ROOT, ".build/release/netreach"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "../shared/bench/gen_cluster.py"))
    ap.add_argument("--keep", help="write clusters and outputs here instead of a temporary folder")
    args = ap.parse_args()
    if not os.path.exists(args.generator):
        print(f"error: generator not found at {args.generator} (it lives in ../shared/bench)", file=sys.stderr)
        return 2
    if not os.access(args.netreach, os.X_OK):
        print(f"error: {args.netreach} is not built; run 'swift build -c release' (make bench does)", file=sys.stderr)
        return 2
    work = args.keep or tempfile.mkdtemp(prefix="netreach-bench-")
    os.makedirs(work, exist_ok=True)
    print(f"{'cluster':58} {'command':24} {'wall s':>8} {'peak MB':>8} {'flows':>10}")
    for i, (name, gen_args, runs) in enumerate(CLUSTERS):
        cluster = os.path.join(work, f"cluster{i}.yaml")
        subprocess.run([sys.executable, args.generator, *gen_args, "-o", cluster], check=True, stdout=subprocess.DEVNULL)
        for words, fmt in runs:
            out = os.path.join(work, f"out{i}.{fmt}")
            if words[0] == "graph":
                cmd = [args.netreach, *words, cluster, "-o", out, "-q"]
                wall, peak, code, stderr = run(cmd, os.devnull)
            else:
                wall, peak, code, stderr = run([args.netreach, *words, cluster, "-o", fmt, "-q"], out)
            if code != 0:
                print(f"error: netreach exited {code}: {stderr.strip()}", file=sys.stderr)
                return 1
            label = " ".join(words) + f" -o {fmt}"
            written = "-" if words[0] == "graph" else str(count_flows(out, fmt))
            print(f"{name:58} {label:24} {wall:8.2f} {peak:8.1f} {written:>10}")
    if not args.keep:
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
        os.rmdir(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
