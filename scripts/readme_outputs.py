#!/usr/bin/env python3
"""Check (or with --update, rewrite) the output shown under each `$ netreach ...` line of README.md.

A command's output is the text after its line (a `...` line stands for any lines), up to the next `$ ` line, a blank line followed by `$ `, or the
end of the code block. Commands that write files (`--file`, `-o x.svg`), read paths that do not exist in the
repository, or pipe into something other than head or tail are skipped and named. Standard error is included when the
README shows warnings or errors for that command.

usage: scripts/readme_outputs.py [--netreach .build/debug/netreach] [--update]
"""
import argparse, os, re, shlex, subprocess, sys

def matches(actual, shown):
    """Whether the output matches what the README shows; a `...` line stands for any lines."""
    segments, current = [], []
    for line in shown:
        if line == "...":
            segments.append(current); current = []
        else:
            current.append(line)
    segments.append(current)
    if len(segments) == 1:
        return actual == shown
    position = 0
    for k, segment in enumerate(segments):
        if k == 0:
            if actual[:len(segment)] != segment: return False
            position = len(segment); continue
        if k == len(segments) - 1 and segment:
            return len(actual) - len(segment) >= position and actual[len(actual) - len(segment):] == segment
        found = next((p for p in range(position, len(actual) - len(segment) + 1)
                      if actual[p:p + len(segment)] == segment), None)
        if found is None: return False
        position = found + len(segment)
    return True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netreach", default=".build/debug/netreach")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.abspath(os.path.join(root, args.netreach))
    path = os.path.join(root, "README.md")
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, checked, differ, skipped = [], 0, 0, 0, []
    in_block = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            in_block = not in_block
            out.append(line); i += 1; continue
        if not (in_block and line.startswith("$ netreach ")):
            out.append(line); i += 1; continue
        out.append(line)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```") and not lines[j].startswith("$ ") \
                and not (lines[j] == "" and j + 1 < len(lines) and lines[j + 1].startswith("$ ")):
            j += 1
        shown = lines[i + 1:j]
        command = line[2:]
        words = shlex.split(command.split("|")[0])
        paths = [w for w in words[2:] if not w.startswith("-")
                 and (w.endswith((".yaml", ".yml", ".json", "/")) or w.startswith(("examples/", "Fixtures/")))]
        pipe = command.split("|")[1].strip() if "|" in command else ""
        if "--file" in words or any(w.endswith((".svg", ".png", ".pdf")) for w in words) \
                or any(not os.path.exists(os.path.join(root, p)) for p in paths) \
                or (pipe and not pipe.startswith(("head", "tail"))):
            skipped.append(command)
            out.extend(shown); i = j; continue
        with_stderr = any(re.search(r"(^|: )(warning|error):", s) for s in shown)
        shell = "netreach() { \"$NETREACH\" \"$@\"; }; " + command + (" 2>&1" if with_stderr else " 2>/dev/null")
        run = subprocess.run(["bash", "-c", shell], cwd=root, capture_output=True, text=True,
                             env=dict(os.environ, NETREACH=binary))
        actual = run.stdout.rstrip("\n").split("\n") if run.stdout.strip() else []
        checked += 1
        if not matches(actual, shown):
            differ += 1
            elided = "..." in shown
            print(f"differs: {command}" + (" (elided with '...': edit by hand)" if elided and args.update else ""))
            if not args.update or elided:
                for a in actual[:5]: print("  + " + a)
                for s in shown[:5]: print("  - " + s)
            out.extend(shown if elided else actual) if args.update else out.extend(shown)
        else:
            out.extend(shown)
        i = j
    if args.update:
        open(path, "w", encoding="utf-8").write("\n".join(out))
    for command in skipped: print(f"skipped: {command}")
    print(f"{checked} commands, {differ} differ{' (rewritten)' if args.update else ''}, {len(skipped)} skipped")
    return 1 if differ and not args.update else 0

if __name__ == "__main__":
    sys.exit(main())
