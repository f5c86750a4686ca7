#!/usr/bin/env python3
"""Benchmark netreach on synthetic clusters from ../shared/bench/gen_cluster.py.

usage: scripts/bench.py [--netreach PATH] [--generator PATH] [--keep DIR]

Generates each cluster once (fixed seed), runs the release build of netreach on it, and prints one line
per run: cluster, command, wall seconds, peak RSS, flows written. Numbers, not a pass/fail verdict.
"""
import argparse, os, resource, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (name, generator arguments, [(command words, output format)]); "RULES" becomes the generated rules file.
CLUSTERS = [
    ("pods=5000 policies=1000 ns=20", ["--pods", "5000", "--policies", "1000", "--seed", "1"],
     [(["list"], "txt"), (["list"], "json"), (["check", "--rules", "RULES"], "txt")]),
    ("workloads=300 (pods=3000) policies=300 ns=10 (--workloads)",
     ["--pods", "3000", "--policies", "300", "--namespaces", "10", "--apps-per-namespace", "30", "--workloads", "--seed", "1"],
     [(["list"], "txt"), (["list"], "json"), (["graph"], "svg"), (["graph", "--namespaces"], "svg")]),
]


def write_rules(path, namespaces=20, count=200):
    """200 rules of every type over the generated cluster's namespaces (ns-000…), apps and tiers."""
    ns = [f"ns-{i:03d}" for i in range(namespaces)]
    tiers = ["web", "api", "cache", "db", "worker"]
    rules = []
    for i in range(count):
        a, b = ns[i % namespaces], ns[(i * 7 + 3) % namespaces]
        kind = i % 10
        if kind in (0, 1, 2):
            body = f"  deny: {{from: {a}, to: {b}, ports: [5432/TCP]}}"
        elif kind in (3, 4):
            body = (f"  allow: {{from: {a}/app-00-0, to: {{namespace: {b}, podSelector: tier={tiers[i % 5]}}}, "
                    f"ports: [8080/TCP]}}")
        elif kind == 5:
            body = f"  deny: {{from: tier={tiers[i % 5]}, to: {{namespace: {b}, podSelector: tier=db}}}}"
        elif kind == 6:
            body = f"  isolated: {a}\n  direction: ingress\n  except:\n    - {{from: {b}, ports: [443/TCP]}}"
        elif kind == 7:
            body = f"  default-deny: {a}"
        elif kind == 8:
            body = f"  no-default-allow: {a}"
        else:
            body = f"  deny: {{from: any, to: 169.254.169.254/32}}" if i % 20 == 9 else \
                f"  deny: {{from: 0.0.0.0/0, to: {a}}}"
        rules.append(f"- name: rule {i}\n{body}\n")
    with open(path, "w") as f:
        f.write("rules:\n" + "".join(rules))


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
    print(f"{'cluster':58} {'command':32} {'wall s':>8} {'peak MB':>8} {'written':>10}")
    for i, (name, gen_args, runs) in enumerate(CLUSTERS):
        cluster = os.path.join(work, f"cluster{i}.yaml")
        subprocess.run([sys.executable, args.generator, *gen_args, "-o", cluster], check=True, stdout=subprocess.DEVNULL)
        rules = os.path.join(work, f"rules{i}.yaml")
        write_rules(rules)
        for words, fmt in runs:
            words = [rules if w == "RULES" else w for w in words]
            out = os.path.join(work, f"out{i}.{fmt}")
            if words[0] == "graph":
                cmd = [args.netreach, *words, cluster, "-o", out, "-q"]
                wall, peak, code, stderr = run(cmd, os.devnull)
            else:
                wall, peak, code, stderr = run([args.netreach, *words, cluster, "-o", fmt, "-q"], out)
            if code != 0 and not (words[0] == "check" and code == 1):
                print(f"error: netreach exited {code}: {stderr.strip()}", file=sys.stderr)
                return 1
            label = " ".join("RULES(200)" if w == rules else w for w in words) + f" -o {fmt}"
            if words[0] == "graph":
                written = "-"
            elif words[0] == "check":
                with open(out) as f:
                    written = f.read().strip().splitlines()[-1].split(":")[0]
            else:
                written = str(count_flows(out, fmt))
            print(f"{name:58} {label:32} {wall:8.2f} {peak:8.1f} {written:>10}")
    if not args.keep:
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
        os.rmdir(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
