#!/usr/bin/env python3
"""Benchmark netreach on synthetic clusters from ../shared/bench/gen_cluster.py (fixed seeds).

usage: scripts/bench.py [--netreach PATH] [--generator PATH] [--keep DIR] [--quick] [--compare-nca] [--growth]

Prints one line per run: cluster, command, wall seconds, peak RSS (MB), what was written (flows, findings or
rules). Numbers, not a pass/fail verdict; the targets are in docs/performance.md.

  --quick        only the 1,000- and 10,000-pod rows (skips the 150,000-pod cluster, about a minute)
  --compare-nca  install IBM's network-config-analyzer into .build/nca-venv (pip) and time its connectivity map
                 on the 1,000-pod cluster beside netreach's list of the same files; prints the ratio
  --growth       time against pods at a fixed number of label classes, and against classes at fixed pods
"""
import argparse, math, json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (name, generator arguments, split into files?, [(command words, output format[, ratio])]). RULES is the generated
# rules file; CHANGED a copy of the cluster with 50 of its policies changed (scripts/change_policies.py), compared
# with it by `diff`; SERVICES runs on a copy with a Service per workload and 200 Ingresses (scripts/add_services.py),
# UNIQUE on a copy whose pods carry one more label each, with a value of their own (scripts/add_unique_labels.py),
# TIERS on a copy with 200 AdminNetworkPolicies and a BaselineAdminNetworkPolicy (scripts/add_admin_tiers.py).
# A ratio (base run index, label, target) prints this run's time over the base run's, same run; a base of "floor" is
# the floor of the row's cluster: libyaml parsing the file to events and nothing else (`netreach floor`, issue 18),
# timed once per single-file cluster and printed as the row's first line. Every ratio is the median of three pairs
# (the base, then the command: the first pair is the rows printed), each pair's ratio printed: on this machine the
# two runs of a pair move by ±30 % independently.
# Copies of a row's cluster: word -> (script, file suffix, label suffix).
VARIANTS = {
    "SERVICES": ("add_services.py", "-services.yaml", " (+ Services)"),
    "UNIQUE": ("add_unique_labels.py", "-unique.yaml", " (+ unique labels)"),
    "TIERS": ("add_admin_tiers.py", "-tiers.yaml", " (+ 200 admin policies and a baseline)"),
}

# Row flags that rewrite the generated file in place: flag -> script.
REWRITES = {"--pod-ips": "add_pod_ips.py", "--live-shaped": "make_live_shaped.py"}

ROWS = [
    ("pods=1000 policies=200 ns=20 (--split)", ["--pods", "1000", "--policies", "200"], True,
     [(["list"], "txt"), (["list"], "json"), (["audit"], "json")]),
    ("pods=5000 policies=1000 ns=20", ["--pods", "5000", "--policies", "1000"], False,
     [(["list"], "txt"), (["check", "--rules", "RULES"], "txt")]),
    ("pods=10000 policies=2000 ns=50", ["--pods", "10000", "--policies", "2000", "--namespaces", "50"], False,
     [(["list"], "txt"), (["list"], "json"), (["audit"], "json"), (["check", "--rules", "RULES"], "txt"),
      # Every pair of one workload explained (target 2 s).
      (["list", "--explain", "--focus", "ns-000/app-00-0"], "json"),
      # The cluster against a copy with 50 changed policies: at most 2.5x one `list` of it.
      (["diff", "CHANGED"], "txt", (0, "ratio diff / list", 2.5))]),
    # Ways in: a Service per workload and 200 Ingresses must cost list and audit at most 1.3x.
    ("pods=10000 policies=2000 ns=50 (+ Services)", ["--pods", "10000", "--policies", "2000", "--namespaces", "50"],
     False,
     [(["list"], "txt"), (["list", "SERVICES"], "txt", (0, "ratio list with Services / without", 1.3)),
      (["audit"], "json"), (["audit", "SERVICES"], "json", (2, "ratio audit with Services / without", 1.3))]),
    # Labels no selector reads (pod-template-hash): one unique per pod must cost at most 1.3x (issue 18; 34x before).
    ("pods=10000 policies=2000 ns=50 (+ unique labels)",
     ["--pods", "10000", "--policies", "2000", "--namespaces", "50"], False,
     [(["list", "--count"], "txt"), (["list", "--count", "UNIQUE"], "txt", (0, "ratio with unique labels / without", 1.3)),
      (["audit"], "json"), (["audit", "UNIQUE"], "json", (2, "ratio with unique labels / without", 1.3))]),
    # Admin tiers (issue 17): 200 admin policies and a baseline must cost audit at most 1.5x.
    ("pods=10000 policies=2000 ns=50 (+ admin tiers)", ["--pods", "10000", "--policies", "2000", "--namespaces", "50"],
     False,
     [(["list", "--count"], "txt"), (["list", "--count", "TIERS"], "txt", (0, "ratio list with tiers / without", 1.5)),
      (["audit"], "json"), (["audit", "TIERS"], "json", (2, "ratio audit with tiers / without", 1.5))]),
    ("pods=150000 policies=10000 ns=50 apps=40",
     ["--pods", "150000", "--policies", "10000", "--namespaces", "50", "--apps-per-namespace", "40"], False,
     [(["list", "--count"], "txt"), (["audit"], "json", ("floor", "ratio audit / floor", 2.5)),
      # 200 admin policies and a baseline: audit at most 1.5x without them (issue 17).
      (["audit", "TIERS"], "json", (1, "ratio audit with admin tiers / without", 1.5)),
      # One pair explained: at most 1.2x `list --count` (the ratio is printed).
      (["explain", "ns-000/app-00-0", "ns-001/app-00-0"], "txt", (0, "ratio explain / list --count", 1.2)),
      # The summary of a change of 50 policies: at most 2.5x `list --count`.
      (["diff", "--count", "CHANGED"], "txt", (0, "ratio diff --count / list --count", 2.5)),
      # Every command finishes at this size with a useful answer (issue 18).
      (["audit", "--isolation"], "txt"), (["check", "--rules", "RULES"], "txt"), (["graph", "--namespaces"], "svg"),
      (["list", "--focus", "ns-000/app-00-0"], "txt")]),
    # Many namespaces, one pod each (issue 18): every namespace is a class; class pairs are computed per pair group
    # (the namespaces without policies are one), and the matrix past 200 namespaces has a row per alike set.
    ("pods=2500 policies=1000 ns=2500 apps=1", ["--pods", "2500", "--policies", "1000", "--namespaces", "2500",
                                                "--apps-per-namespace", "1"], False,
     [(["list", "--count"], "txt"), (["audit"], "json")]),
    # 10,000 namespaces: every command within the 150,000-pod targets (issue 18).
    ("pods=10000 policies=2000 ns=10000 apps=1", ["--pods", "10000", "--policies", "2000", "--namespaces", "10000",
                                                  "--apps-per-namespace", "1"], False,
     [(["list", "--count"], "txt"), (["audit"], "json"), (["audit", "--isolation"], "txt"),
      # One app per namespace: the generated rules name tiers that are not there.
      (["check", "--rules", "RULES", "--allow-empty"], "txt"), (["graph", "--namespaces"], "svg"),
      (["explain", "ns-000/app-00-0", "ns-001/app-00-0"], "txt"), (["diff", "--count", "CHANGED"], "txt"),
      (["list", "--focus", "ns-000/app-00-0"], "txt")]),
    # The same 10,000 pods with IPs (scripts/add_pod_ips.py): --ipblock-pods must stay within 1.5x of the default.
    ("pods=10000 policies=2000 ns=50 with pod IPs", ["--pods", "10000", "--policies", "2000", "--namespaces", "50",
                                                     "--pod-ips"], False,
     [(["list"], "txt"), (["list", "--ipblock-pods"], "txt", (0, "ratio --ipblock-pods / default", 1.5))]),
    # What `kubectl get ns,pods,networkpolicies -A -o yaml` prints: one List document, pods with managedFields and
    # status (scripts/kubectl_list.py). Refused at about 3,000 pods before issue 13 (node limit), quadratic before.
    ("kubectl List pods=20000 (one document)", ["--kubectl-list", "--pods", "20000"], False,
     [(["list", "--count"], "txt"), (["audit"], "json")]),
    # The same at the largest cluster: items are decoded as they are read, never held as one tree.
    ("kubectl List pods=150000 (one document)", ["--kubectl-list", "--pods", "150000", "--namespaces", "50"], False,
     [(["list", "--count"], "txt"), (["audit"], "json", ("floor", "ratio audit / floor", 2.5))]),
    # What a live cluster's dump looks like at the largest size (scripts/make_live_shaped.py): pods owned by
    # ReplicaSets (two per app, each with its pod-template-hash) and StatefulSets (a pod-name label per pod), IPs,
    # 2,000 namespaces. Target 2.5x the floor (issue 18).
    ("pods=150000 live-shaped ns=2000 apps=10", ["--pods", "150000", "--policies", "10000", "--namespaces", "2000",
                                                 "--apps-per-namespace", "10", "--live-shaped"], False,
     [(["list", "--count"], "txt"), (["audit"], "json", ("floor", "ratio audit / floor", 2.5))]),
    ("workloads=300 (pods=3000) policies=300 ns=10",
     ["--pods", "3000", "--policies", "300", "--namespaces", "10", "--apps-per-namespace", "30", "--workloads"], False,
     [(["list"], "json"), (["graph"], "svg"), (["graph", "--namespaces"], "svg")]),
]


def run(cmd, out_path, cwd=None):
    """Runs cmd with stdout to out_path; returns wall seconds, peak RSS in MB, exit code, stderr.

    Peak memory comes from GNU time (a small parent), not from wait4 here: on Linux a forked child starts with
    its parent's high-water mark, so a Python parent that once held a large JSON would inflate every figure."""
    timing = tempfile.NamedTemporaryFile(prefix="netreach-time-", delete=False)
    timing.close()
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        proc = subprocess.run(["/usr/bin/time", "-o", timing.name, "-f", "%M", *cmd], stdout=out,
                              stderr=subprocess.PIPE, cwd=cwd)
    wall = time.perf_counter() - start
    with open(timing.name) as f:
        lines = f.read().strip().splitlines()
    os.unlink(timing.name)
    peak = int(lines[-1]) / 1024.0 if lines and lines[-1].isdigit() else float("nan")
    return wall, peak, proc.returncode, proc.stderr.decode(errors="replace")


def written(args, words, cluster, path):
    """What a run wrote: flows for list, findings for audit, the verdict line for check."""
    if words[0] == "graph":
        return "-"
    if words[0] == "explain" or "--explain" in words:
        with open(path) as f:
            text = f.read()
        pairs = text.count('"src":') if "--explain" in words else text.count(" => ")
        return f"{pairs} explained pairs"
    if words[0] == "list" and "--focus" in words:
        with open(path) as f:
            return f"{sum(1 for line in f if line.strip() and not line.startswith('#'))} flows"
    if words[0] == "list":
        if "--count" not in words:
            path = path + ".count"
            settings = [w for w in words[1:] if w == "--ipblock-pods"]
            subprocess.run([args.netreach, "list", "--count", *settings, cluster, "-q", "--file", path], check=True)
        with open(path) as f:
            return f.read().strip() + " flows"
    if words[0] == "diff":
        with open(path) as f:
            return f.read().strip().splitlines()[-1]
    if words[0] == "audit" and "--isolation" in words:
        with open(path) as f:
            return f.read().strip().splitlines()[-1]
    if words[0] == "audit":
        with open(path) as f:
            head = f.read(400)
        summary = json.loads(head[head.index("{", 1):head.index("}") + 1])
        return f"{summary['error'] + summary['warning'] + summary['note']} findings"
    with open(path) as f:
        return f.read().strip().splitlines()[-1].split(":")[0]


def write_rules(path, namespaces, count=200):
    """`count` rules of every type over the generated cluster's namespaces (ns-000…), apps and tiers."""
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
            body = "  deny: {from: any, to: 169.254.169.254/32}" if i % 20 == 9 else f"  deny: {{from: 0.0.0.0/0, to: {a}}}"
        rules.append(f"- name: rule {i}\n{body}\n")
    with open(path, "w") as f:
        f.write("rules:\n" + "".join(rules))


def generate(args, gen_args, target, split):
    if gen_args[0] == "--kubectl-list":
        subprocess.run([sys.executable, os.path.join(HERE, "kubectl_list.py"), *gen_args[1:], "-o", target], check=True)
        return
    flag = ["--split", target] if split else ["-o", target]
    rewrites = [REWRITES[a] for a in gen_args if a in REWRITES]
    gen_args = [a for a in gen_args if a not in REWRITES]
    subprocess.run([sys.executable, args.generator, *gen_args, "--seed", "1", *flag], check=True,
                   stdout=subprocess.DEVNULL)
    for script in rewrites:
        subprocess.run([sys.executable, os.path.join(HERE, script), target], check=True, stderr=subprocess.DEVNULL)


def netreach_cmd(args, words, fmt, cluster, out):
    """The command and where its standard output goes. Flow lists go to /dev/null, as the targets are stated;
    the number of flows they hold comes from `list --count`."""
    if words[0] == "diff":
        return [args.netreach, *words[:-1], cluster, words[-1], "-q"] + ([] if "--count" in words else ["-o", fmt]), out
    if words[0] == "graph":
        return [args.netreach, *words, cluster, "-o", out, "-q"], os.devnull
    if "--count" in words:
        return [args.netreach, *words, cluster, "-q"], out
    if words[0] == "list" and "--explain" not in words and "--focus" not in words:
        return [args.netreach, *words, cluster, "-o", fmt, "-q"], os.devnull
    return [args.netreach, *words, cluster, "-o", fmt, "-q"] + (["--fail-on", "never"] if words[0] == "audit" else []), out


def bench(args, work):
    print(f"{'cluster':44} {'command':34} {'wall s':>8} {'peak MB':>8}  written")
    for i, (name, gen_args, split, runs) in enumerate(ROWS):
        if args.quick and "150000" in gen_args:
            continue
        cluster = os.path.join(work, f"cluster{i}" + ("" if split else ".yaml"))
        generate(args, gen_args, cluster, split)
        namespaces = int(gen_args[gen_args.index("--namespaces") + 1]) if "--namespaces" in gen_args else 20
        rules = os.path.join(work, f"rules{i}.yaml")
        write_rules(rules, namespaces)
        walls = []
        commands = []
        generated = set()
        floor = None
        if not split:
            wall, peak, code, stderr = run([args.netreach, "floor", cluster], os.path.join(work, f"floor{i}.txt"))
            if code != 0:
                print(f"error: netreach floor exited {code}: {stderr.strip()}", file=sys.stderr)
                return 1
            floor = wall
            print(f"{name:44} {'floor (libyaml events only)':34} {wall:8.2f} {peak:8.1f}  -", flush=True)
        for words, fmt, *ratio in runs:
            if "CHANGED" in words:
                changed = cluster.replace(".yaml", "-changed.yaml")
                subprocess.run([sys.executable, os.path.join(HERE, "change_policies.py"), cluster, "50", "-o", changed],
                               check=True, stderr=subprocess.DEVNULL)
            target = cluster
            for variant in [w for w in words if w in VARIANTS]:
                script, suffix, _ = VARIANTS[variant]
                target = cluster.replace(".yaml", suffix)
                if target not in generated:
                    generated.add(target)
                    subprocess.run([sys.executable, os.path.join(HERE, script), cluster, "-o", target],
                                   check=True, stderr=subprocess.DEVNULL)
                words = [w for w in words if w != variant]
            words = [rules if w == "RULES" else changed if w == "CHANGED" else w for w in words]
            out = os.path.join(work, f"out{i}.{fmt}")
            cmd, stdout = netreach_cmd(args, words, fmt, target, out)
            wall, peak, code, stderr = run(cmd, stdout)
            if code != 0 and not (words[0] == "check" and code == 1):
                print(f"error: netreach exited {code}: {stderr.strip()}", file=sys.stderr)
                return 1
            label = " ".join("RULES(200)" if w == rules else "(50 policies changed)" if w.endswith(
                "-changed.yaml") else w for w in words) + next(
                (shown for _, suffix, shown in VARIANTS.values() if target.endswith(suffix)), "")
            if "--count" not in words:
                label += f" -o {fmt}" + (" >/dev/null" if words[0] == "list" and "--focus" not in words else "")
            print(f"{name:44} {label:34} {wall:8.2f} {peak:8.1f}  {written(args, words, target, out)}", flush=True)
            walls.append(wall)
            commands.append((cmd, stdout))
            if ratio:
                base, text, goal = ratio[0]
                if base == "floor" and floor:
                    # The machine's ±30 % moves the floor and the command independently, so one pair's ratio is not
                    # a verdict: two more pairs (the floor, then the command, one after the other), and the median of
                    # the three pairs' ratios, each printed.
                    ratios = [wall / floor]
                    for _ in range(2):
                        again, *_ = run([args.netreach, "floor", cluster], os.path.join(work, f"floor{i}.txt"))
                        repeat, _, code, stderr = run(cmd, stdout)
                        if code != 0:
                            print(f"error: netreach exited {code}: {stderr.strip()}", file=sys.stderr)
                            return 1
                        ratios.append(repeat / again)
                    shown = ", ".join(f"{r:.2f}x" for r in ratios)
                    print(f"{'':44} {text:34} {sorted(ratios)[1]:7.2f}x  (target {goal}x; median of 3 pairs: {shown})")
                elif base != "floor":
                    # As for the floor: two more pairs (the base command, then this one) and the median of three.
                    ratios = [wall / walls[base]]
                    for _ in range(2):
                        again, _, code, stderr = run(*commands[base])
                        repeat, _, code2, stderr2 = run(cmd, stdout)
                        if code not in (0, 1) or code2 not in (0, 1):
                            print(f"error: netreach exited {code}/{code2}: {(stderr + stderr2).strip()}",
                                  file=sys.stderr)
                            return 1
                        ratios.append(repeat / again)
                    shown = ", ".join(f"{r:.2f}x" for r in ratios)
                    print(f"{'':44} {text:34} {sorted(ratios)[1]:7.2f}x  (target {goal}x; median of 3 pairs: {shown})")
    return 0


def compare_nca(args, work):
    venv = os.path.join(ROOT, ".build", "nca-venv")
    nca = os.path.join(venv, "bin", "nca")
    if not os.path.exists(nca):
        print("installing network-config-analyzer into .build/nca-venv (pip)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "network-config-analyzer==2.1.0"], check=True)
    cluster = os.path.join(work, "nca-c1k")
    generate(args, ["--pods", "1000", "--policies", "200"], cluster, True)
    nca_cmd = [nca, "--connectivity", "policies.yaml", "--pod_list", "pods.yaml", "--ns_list", "namespaces.yaml",
               "--output_format", "txt"]
    nca_wall, nca_peak, nca_code, nca_err = run(nca_cmd, os.path.join(work, "nca.txt"), cwd=cluster)
    ours = [args.netreach, "list", cluster, "-o", "txt", "-q"]
    our_wall, our_peak, our_code, our_err = run(ours, os.path.join(work, "ours.txt"))
    if nca_code != 0 or our_code != 0:
        print(f"error: nca exited {nca_code} ({nca_err.strip()[-300:]}), netreach {our_code} ({our_err.strip()})",
              file=sys.stderr)
        return 1
    print()
    print(f"{'tool (pods=1000 policies=200, same files, same run)':60} {'wall s':>8} {'peak MB':>8}")
    print(f"{'network-config-analyzer 2.1.0 --connectivity (txt)':60} {nca_wall:8.2f} {nca_peak:8.1f}")
    print(f"{'netreach list -o txt':60} {our_wall:8.2f} {our_peak:8.1f}")
    print(f"netreach is {nca_wall / our_wall:.0f}x faster than NCA on this cluster")
    return 0


def growth(args, work):
    """Work should grow with label classes and policies, not with pods²."""
    print()
    print(f"{'growth (1000 policies, 20 namespaces)':44} {'pods':>7} {'classes':>8} {'flows':>12} {'list --count s':>15} {'audit s':>8}")
    # Up to the largest cluster (issue 18: time linear in the input, classes fixed, up to 150,000 pods).
    sizes = (2000, 4000, 8000, 16000, 32000, 64000, 128000, 150000)
    series = [("pods grow, label classes fixed", pods, 10) for pods in sizes]
    series += [("label classes grow, pods fixed", 16000, apps) for apps in (5, 10, 20, 40, 80)]
    timed = []
    for label, pods, apps in series:
        cluster = os.path.join(work, f"growth-{pods}-{apps}.yaml")
        generate(args, ["--pods", str(pods), "--policies", "1000", "--namespaces", "20",
                        "--apps-per-namespace", str(apps)], cluster, False)
        count_out = os.path.join(work, "count.txt")
        count_wall, _, code, err = run([args.netreach, "list", "--count", cluster, "-q"], count_out)
        audit_wall, _, code2, err2 = run([args.netreach, "audit", cluster, "-o", "json", "-q", "--fail-on", "never"],
                                         os.path.join(work, "audit.json"))
        if code or code2:
            print(f"error: {err or err2}", file=sys.stderr)
            return 1
        with open(count_out) as f:
            flows = f.read().strip()
        print(f"{label:44} {pods:7} {20 * apps:8} {flows:>12} {count_wall:15.2f} {audit_wall:8.2f}", flush=True)
        if label.startswith("pods grow"):
            timed.append((pods, count_wall, audit_wall))
        if label.startswith("pods grow") and pods == sizes[-1]:
            # The exponent k of time ∝ pods^k from 16,000 pods up (below, start-up and fixed costs dominate): 1 is
            # linear; flows grow as pods² all the while.
            low = next(t for t in timed if t[0] == 16000)
            high = timed[-1]
            k = [math.log(high[i] / low[i]) / math.log(high[0] / low[0]) for i in (1, 2)]
            print(f"{'  time ∝ pods^k, 16,000 → 150,000 pods':44} {'':7} {'':8} {'':>12} {'k = ' + format(k[0], '.2f'):>15}"
                  f" {format(k[1], '.2f'):>8}", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--netreach", default=os.path.join(ROOT, ".build/release/netreach"))
    ap.add_argument("--generator", default=os.path.join(ROOT, "../shared/bench/gen_cluster.py"))
    ap.add_argument("--keep", help="write clusters and outputs here instead of a temporary folder")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--compare-nca", action="store_true")
    ap.add_argument("--growth", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.generator):
        print(f"error: generator not found at {args.generator} (it lives in ../shared/bench)", file=sys.stderr)
        return 2
    if not os.access(args.netreach, os.X_OK):
        print(f"error: {args.netreach} is not built; run 'swift build -c release' (make bench does)", file=sys.stderr)
        return 2
    work = args.keep or tempfile.mkdtemp(prefix="netreach-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        status = bench(args, work)
        if status == 0 and args.compare_nca:
            status = compare_nca(args, work)
        if status == 0 and args.growth:
            status = growth(args, work)
        return status
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
