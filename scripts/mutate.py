#!/usr/bin/env python3
"""Mutation test of the engine: applies small semantic changes, one at a time, to a copy of the tree, runs the
test suite on each, and prints which mutants the tests killed and which survived.

usage: scripts/mutate.py [--only SUBSTRING[,SUBSTRING...]] [--keep DIR] [--timeout SECONDS]

A surviving mutant is a change to what netreach answers that no test notices: write the test that kills it. Run
it after every change to the engine (Sources/Reachability, Sources/KubeModel), and put the table in the closing
note. It copies the repository (without .build) to a temporary folder and builds there, so the work tree is never
touched; a first build takes a few minutes, each mutant about one more.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (id, file, original text, mutated text, what the mutant gets wrong). The original must occur exactly once.
MUTANTS = [
    ("pod-selector-any-namespace", "Sources/Reachability/Model/ClassModel.swift",
     "for c in classes(in: policy.namespace) where !classes[c].ungoverned && (pods?[c] ?? true) {",
     "for c in classes.indices where !classes[c].ungoverned && (pods?[c] ?? true) {",
     "a podSelector alone matches pods of every namespace"),
    ("namespace-selector-own-namespace", "Sources/Reachability/Model/ClassModel.swift",
     "for c in classes.indices where !classes[c].ungoverned && namespaces[c] && (pods?[c] ?? true) {",
     "for c in classes(in: policy.namespace) where !classes[c].ungoverned && namespaces[c] && (pods?[c] ?? true) {",
     "a peer with a namespaceSelector matches only pods of the policy's own namespace"),
    ("scanner-owner-not-controller", "Sources/Manifests/PodScanner.swift",
     "owners.first(where: \\.controller) ?? owners.first", "owners.first",
     "the pod scanner takes a pod's first owner reference, not its controller"),
    ("scanner-bad-pod-ip-dropped", "Sources/Manifests/PodScanner.swift",
     "guard let address = IPAddress(string()) else { return false }",
     "guard let address = IPAddress(string()) else { return true }",
     "the pod scanner drops a pod IP that is no address without the tree's warning"),
    ("scan-duplicate-keys-missed", "Sources/YAMLTree/YAMLScan.swift",
     "if bytes[range].elementsEqual(text) { return false }", "if bytes[range].elementsEqual(text) { break }",
     "the event scan reads a document with a duplicate key that the tree rejects"),
    ("merged-pod-warnings-by-id", "Sources/Manifests/ManifestLoader.swift",
     "warnings += found.flatMap { $0 }.sorted { $0.item < $1.item }.map(\\.warning)",
     "warnings += found.flatMap { $0 }.map(\\.warning)",
     "warnings about merged pods come in id order, not reading order"),
    ("shadowed-subset-transposed", "Sources/Reachability/Audit/Findings/PolicyShadowed.swift",
     "return subset[Int(a) * sets.count + Int(b)]", "return subset[Int(b) * sets.count + Int(a)]",
     "a rule counts as covered by another whose fixed connections it holds, not the other way round"),
    ("shadowed-memo-named-egress", "Sources/Reachability/Audit/Findings/PolicyShadowed.swift",
     "(direction == .ingress || (fixed.id[r] >= 0 && othersFixed))", "true",
     "the shadowing test reuses a peer's verdict for an egress rule to a named port of another destination"),
    ("class-ranges-split-namespace", "Sources/Reachability/Model/ClassModel.swift",
     "while end < endpoints.count, end > start, endpoints[end].namespace == endpoints[end - 1].namespace {",
     "while false, end < endpoints.count {",
     "endpoints are grouped into classes in ranges cut inside a namespace"),
    ("class-ranges-trust-order", "Sources/Reachability/Model/ClassModel.swift",
     "guard runs == names.count else", "guard runs >= 0 else",
     "a namespace whose endpoints are not together in id order is grouped in several ranges"),
    ("findings-severity-reversed", "Sources/Reachability/Audit/Auditor.swift",
     "if a.severity != b.severity { return a.severity > b.severity }",
     "if a.severity != b.severity { return a.severity < b.severity }",
     "findings are not listed most severe first"),
    ("inbound-range-skips-first", "Sources/Reachability/FlowBuilder.swift",
     "if edges[mid].peer.index < range.lowerBound { low = mid + 1 }",
     "if edges[mid].peer.index <= range.lowerBound { low = mid + 1 }",
     "the inbound edges of the first group of each range are left out"),
    ("matrix-kinds-overwritten", "Sources/Reachability/Audit/Auditor.swift",
     "                kindFlat[filled[g.index]] = k\n                filled[g.index] += 1\n",
     "                kindFlat[filled[g.index]] = k\n",
     "a group held by several kinds of namespace counts for one of them in the isolation matrix"),
    ("parallel-check-keeps-findings", "Sources/Reachability/Audit/Findings/EndpointNotIsolated.swift",
     "        var context = reader\n        context.findings = []\n",
     "        var context = reader\n",
     "a check run on every core hands back the findings of the checks before it as its own"),
    ("large-write-unflushed", "Sources/netreach/Console.swift",
     "            handOver()\n            writer.enqueue(Array(piece))\n", "            writer.enqueue(Array(piece))\n",
     "a large piece of output overtakes what the buffer still holds"),
    ("writer-errno-lost", "Sources/netreach/Console.swift",
     "                    return errno\n", "                    return EIO\n",
     "a failed write on the writer's thread is reported with another errno than its own"),
    ("block-scanner-deeper-line", "Sources/YAMLTree/BlockScanner.swift",
     "        guard top.indent == indent else { return false }", "        guard top.indent <= indent else { return false }",
     "the block scanner reads a line deeper than its mapping (a scalar going on, or an error) as a key of it"),
    ("block-scanner-entry-nests", "Sources/YAMLTree/BlockScanner.swift",
     "(pending.isMappingValue && indent == pending.indent && entry)", "(indent == pending.indent && entry)",
     "the block scanner reads `-` then `- b` at its column as a nested sequence, not an empty entry and the next"),
    ("block-scanner-hash-in-plain", "Sources/YAMLTree/BlockScanner.swift",
     "if byte == Self.hash, bytes[j - 1] == Self.space { return (j, false) }", "",
     "the block scanner reads a comment after a plain scalar as part of it"),
    ("class-flags-tail-set", "Sources/Reachability/Model/ClassFlags.swift",
     "if value, count % 64 != 0 { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }", "",
     "a rule matching every class sets bits past the last class in the rows the memo keys and tier tables join"),
    ("hop-cache-isolation-swapped", "Sources/Reachability/Model/ClassModel+Tiers.swift",
     "isolated = PerDirection(ingress: model.isolated.ingress.map { $0 }, egress: model.isolated.egress.map { $0 })",
     "isolated = PerDirection(ingress: model.isolated.egress.map { $0 }, egress: model.isolated.ingress.map { $0 })",
     "the hop cache's copy of the isolation flags has the directions swapped"),
    ("class-flags-half-word", "Sources/Reachability/Model/ClassFlags.swift",
     "get { words[c >> 6] >> UInt64(c & 63) & 1 != 0 }", "get { words[c >> 6] >> UInt64(c & 31) & 1 != 0 }",
     "a class's flag is read from the wrong bit in the upper half of a word"),
    ("neighbours-skip-against-first", "Sources/Reachability/Audit/AuditContext.swift",
     "first[peer] >= endpoints[limit - 1].peer", "first[peer] >= endpoints[0].peer",
     "an audit finding's evidence skips groups whose first endpoint comes after the first kept, not the last"),
    ("memo-ignores-destination-ports", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "ports: named ? keys.ports[destination.index] : -1", "ports: -1",
     "the class-level memo reuses a named-port union for a destination with other named ports"),
    ("list-batches-out-of-order", "Sources/Manifests/ManifestLoader.swift",
     "            let out = results\n", "            let out = Array(results.reversed())\n",
     "the batches of a long List's items come back in another order than the items"),
    ("evidence-neighbours-last-first", "Sources/Reachability/Audit/AuditContext.swift",
     "endpoints.firstIndex { m < $0.peer }", "endpoints.firstIndex { m > $0.peer }",
     "an audit finding's evidence keeps the last peers by name instead of the first"),
    ("peer-selector-other-namespaces", "Sources/Reachability/Audit/Findings/PeerMatchesNothing.swift",
     "?? [policy.namespace]", "?? []",
     "peer-matches-nothing looks for a podSelector's pods outside the policy's namespace"),
    ("pair-groups-ignore-ports", "Sources/Reachability/Model/PairGroups.swift",
     "ports: keys.ports[c],", "ports: 0,",
     "classes whose named ports differ share a pair group"),
    ("pair-groups-ignore-isolation", "Sources/Reachability/Model/PairGroups.swift",
     "ingress: model.isolated.ingress[c] ? keys.rules.ingress[c] : -1,", "ingress: keys.rules.ingress[c],",
     "a class isolated by a policy without rules shares a pair group with one no policy selects"),
    ("pair-groups-count-self", "Sources/Reachability/FlowBuilder.swift",
     "total += size[g] * size[edge.peer] - (edge.peer.index == g ? size[g] : 0)", "total += size[g] * size[edge.peer]",
     "the flow count of a pair group counts each endpoint to itself"),
    ("matrix-diagonal-self", "Sources/Reachability/Audit/Auditor.swift",
     "guard sources * destinations - (g == h ? sources : 0) > 0,", "guard sources * destinations > 0,",
     "a namespace's own cell counts an endpoint reaching itself"),
    ("matrix-kind-single-namespace", "Sources/Reachability/Audit/Auditor.swift",
     "(p == q && namespacesOfKind[p] < 2) ||", "p == q ||",
     "namespaces of one kind that reach each other are called isolated"),
    ("neighbours-group-unsorted", "Sources/Reachability/Audit/AuditContext.swift",
     "Array(members.joined().sorted().prefix(limit))", "Array(members.joined().prefix(limit))",
     "a pair group's first endpoints are taken class by class, not by name"),
    ("pair-filter-no-admission", "Sources/Reachability/FlowBuilder.swift",
     "for i in selectionStart[p.index]..<selectionStart[p.index + 1] {",
     "for i in selectionStart[p.index]..<selectionStart[p.index] {",
     "the pair filter drops every destination isolated for ingress"),
    ("pair-filter-first-policy-only", "Sources/Reachability/FlowBuilder.swift",
     "guard last[g] != Int32(p) else { return }", "guard last[g] < 0 else { return }",
     "the pair filter keeps only the first policy admitting a group"),
    ("pair-filter-every-class", "Sources/Reachability/FlowBuilder.swift",
     "var word = candidates[w] & filter.representatives[w]", "var word = candidates[w]",
     "the pair filter evaluates every class, not once per pair group"),
    ("memo-flat-list-short", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "let count = Int(keys.listStart[Int(list) + 1]) - start",
     "let count = max(0, Int(keys.listStart[Int(list) + 1]) - start - 1)",
     "the memo's flat rule lists leave out the last rule governing a class"),
    ("focus-narrowing-drops-inbound", "Sources/Reachability/FlowBuilder.swift",
     "focusMembers = model.classes.map { $0.members.filter(focus.names) }", "focusMembers = model.classes.map { _ in [] }",
     "a focused list loses the flows into the focus from sources outside it"),
    ("peer-selectors-or", "Sources/Reachability/Model/ClassModel.swift",
     "where !classes[c].ungoverned && namespaces[c] && (pods?[c] ?? true)",
     "where !classes[c].ungoverned && (namespaces[c] || (pods?[c] ?? true))",
     "namespaceSelector and podSelector of one peer are ORed"),
    ("peerless-rule-ipv4-only", "Sources/Reachability/Model/ClassModel.swift",
     "addresses = IPSet.all([.v4, .v6])", "addresses = IPSet.all([.v4])",
     "a rule without peers admits no IPv6 address"),
    ("no-cut-after-block", "Sources/Reachability/Model/ClassModel.swift",
     "cuts[cidr.family, default: []].insert(cidr.upper + 1)", "_ = cidr.upper",
     "address atoms are not cut at the end of a block"),
    ("except-not-cut", "Sources/Reachability/Model/ClassModel.swift",
     "for cidr in [block.cidr] + block.except {", "for cidr in [block.cidr] {",
     "address atoms are not cut at except boundaries"),
    ("ingress-not-isolating", "Sources/Reachability/Model/ClassModel.swift",
     "isolated[direction][c] = true", "isolated[direction][c] = direction == .egress",
     "a policy selecting a pod for ingress does not isolate it"),
    ("egress-or-ingress", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "(ingress == .all ? $0 : $0.intersection(ingress))", "(ingress == .all ? $0 : $0.union(ingress))",
     "a flow needs egress or ingress, not both"),
    ("end-port-exclusive", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "PortSet(start...(port.endPort ?? start))", "PortSet(start...max(start, (port.endPort ?? start) - 1))",
     "endPort is exclusive"),
    ("named-port-any-protocol", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "where container.name == name && container.networkProtocol == port.networkProtocol {",
     "where container.name == name {",
     "a named port resolves whatever its protocol"),
    ("portless-item-all-protocols", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "result.formUnion(ConnectionSet(port.networkProtocol, .allPorts))", "result.formUnion(.all)",
     "a port item without a port allows every protocol"),
    ("no-rules-allow-all", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "guard let ingress = union(governing.ingress[destination], matching: source, destination: destination) else {\n                return (.none, open)",
     "guard let ingress = union(governing.ingress[destination], matching: source, destination: destination) else {\n                return (.all, open)",
     "an isolated destination no rule admits is reachable"),
    ("policy-types-egress-always", "Sources/KubeModel/NetworkPolicy.swift",
     "policyTypes ?? (egress.isEmpty ? [.ingress] : [.ingress, .egress])", "policyTypes ?? [.ingress, .egress]",
     "a policy without policyTypes isolates egress even without egress rules"),
    ("not-in-needs-key", "Sources/KubeModel/LabelSelector.swift",
     "if let value, requirement.values.contains(value) { return false }",
     "guard let value, !requirement.values.contains(value) else { return false }",
     "NotIn does not match objects without the key"),
    ("does-not-exist-inverted", "Sources/KubeModel/LabelSelector.swift",
     "if value != nil { return false }", "if value == nil { return false }",
     "DoesNotExist behaves as Exists"),
    ("match-labels-ignored", "Sources/KubeModel/LabelSelector.swift",
     "for (key, value) in matchLabels where labels[key] != value { return false }",
     "for (key, _) in matchLabels where labels[key] == nil { return false }",
     "matchLabels checks only that the key exists"),
    ("except-not-subtracted", "Sources/Reachability/IPSet.swift",
     "for except in block.except { set = set.subtracting(IPSet(except)) }",
     "for except in block.except.dropFirst() { set = set.subtracting(IPSet(except)) }",
     "the first except entry of an ipBlock is ignored"),
    ("contains-any-family", "Sources/Reachability/IPSet.swift",
     "range.family.isV4 ? v4.contains(range.bounds) : v6.contains(range.bounds)",
     "v4.contains(range.bounds) || v6.contains(range.bounds)",
     "address membership ignores the address family"),
    ("decision-later-part-wins", "Sources/Reachability/Model/Decision.swift",
     "let open = part.connections.intersection(undecided).subtracting(passed)",
     "let open = part.connections.subtracting(passed)",
     "a later part of a decision overrides what an earlier one decided"),
    ("decision-pass-denies", "Sources/Reachability/Model/Decision.swift",
     "if part.verdict == .pass {", "if part.verdict == .pass && false {",
     "a Pass decides the connections instead of handing them to the next layer"),
    ("decision-rules-unclipped", "Sources/Reachability/Model/Decision.swift",
     "let connections = rule.connections.intersection(open)", "let connections = rule.connections",
     "a rule is named for connections an earlier part decided"),
    ("deciding-rule-any-port", "Sources/Reachability/Model/ClassModel+Decisions.swift",
     "deciding.append(DecidingRule(rule: r, connections: connections))",
     "deciding.append(DecidingRule(rule: r, connections: .all))",
     "a rule is named as deciding connections it does not allow"),
    ("explain-every-selecting-policy", "Sources/Reachability/Checks/CheckContext+Explain.swift",
     "for (policy, own) in byPolicy(decision.allowing(candidate.connections)) {",
     "for (policy, own) in byPolicy(decision.selectedBy.flatMap { model.policyRules[$0][direction] }) {",
     "check names every policy selecting a side, not those whose rules let the flow through"),
    ("ipblock-pods-any-ip", "Sources/Reachability/Model/ClassModel.swift",
     "for c in addressed where classes[c].addressAtoms.contains(where: set.contains) {",
     "for c in addressed {",
     "with --ipblock-pods an ipBlock matches every pod that has an IP"),
    ("ungoverned-host-network-selected", "Sources/Reachability/Model/ClassModel.swift",
     "filter { matches[$0] && !classes[$0].ungoverned }",
     "filter { matches[$0] }",
     "a plugin that governs no host-network pod still isolates them by the policies selecting them"),
    ("ungoverned-host-network-peer", "Sources/Reachability/Model/ClassModel.swift",
     "for c in classes(in: policy.namespace) where !classes[c].ungoverned && (pods?[c] ?? true) {",
     "for c in classes(in: policy.namespace) where pods?[c] ?? true {",
     "a plugin that governs no host-network pod still matches them by podSelector and namespaceSelector"),
    ("node-addresses-as-pod-ips", "Sources/Reachability/Model/EngineSettings.swift",
     "return ipBlockMatchesNodes ? Array(Set(endpoint.addresses + endpoint.nodeAddresses)).sorted() : []",
     "return ipBlockMatchesPods ? endpoint.addresses : []",
     "host-network pods are matched by ipBlocks as pod IPs, not node addresses"),
    ("explain-every-rule-of-a-policy", "Sources/Reachability/Explain/Explanation.swift",
     "let admitted = self.connections(rules[r], destinationClass: destination).subtracting(earlier)",
     "let admitted = self.connections(rules[r], destinationClass: destination)",
     "explain names every rule of a policy that admits a connection, not the first (the peer's convention)"),
    ("explain-no-rules-as-no-match", "Sources/Reachability/Explain/Explanation.swift",
     "reasons.append(.noRules(p))", "reasons.append(.noRuleSelectsPeer(p))",
     "explain says no rule selects the peer where the policy has no rule of that direction"),
    ("diff-unchanged-addresses", "Sources/Reachability/Diff/ReachabilityDiff.swift",
     "guard !set.isEmpty, before.connections != after.connections else { return }",
     "guard !set.isEmpty else { return }",
     "diff lists addresses whose connections did not change"),
    ("diff-default-allow-any-kind", "Sources/Reachability/Diff/ReachabilityDiff.swift",
     "package var defaultAllowChanged: Bool { kind == .changed && oldDefaultAllow != newDefaultAllow }",
     "package var defaultAllowChanged: Bool { oldDefaultAllow != newDefaultAllow }",
     "diff says the default-allow status changed for flows that were added or removed"),
    ("diff-joint-self-pairs", "Sources/Reachability/Diff/JointClasses.swift",
     "return s.from * d.to - s.fromOutside * d.toOutside - (source == destination ? s.itself : 0)",
     "return s.from * d.to - s.fromOutside * d.toOutside",
     "diff counts each member of a changed class paired with itself"),
    ("diff-joint-by-old-class", "Sources/Reachability/Diff/JointClasses.swift",
     "let key = Int64(o) << 32 | Int64(UInt32(bitPattern: n))", "let key = Int64(o)",
     "diff groups endpoints by their old class only, so a class that splits in the new version changes as one"),
    ("exposure-keeps-exact-matches", "Sources/Reachability/Exposure/Exposure.swift",
     "if matched { continue }\n", "_ = matched\n",
     "exposure lists a selector that a real pod matches exactly (the peer leaves it to the flows)"),
    ("exposure-no-broader-rules", "Sources/Reachability/Exposure/Exposure.swift",
     "for (other, _, admitted) in written where other.contains(selectors) {",
     "for (other, _, admitted) in written where other == selectors {",
     "exposure gives a selector only its own rules, not what broader rules also admit"),
    ("ingress-named-port-any-protocol", "Sources/Reachability/Ingress/IngressController.swift",
     "where container.name == name && container.networkProtocol == .tcp {", "where container.name == name {",
     "an Ingress reaches a named UDP port"),
    ("gateway-no-reference-grant", "Sources/Reachability/Ingress/IngressController.swift",
     "if namespace != way.namespace,", "if false, namespace != way.namespace,",
     "a Gateway route reaches a Service of another namespace without a ReferenceGrant"),
    ("class-key-ignores-peer-selectors", "Sources/Reachability/Model/ClassModel.swift",
     "for case .pods(let pods, _) in rule.peers ?? [] { add(pods) }", "_ = rule",
     "classes ignore the labels the rules' peer selectors read, so endpoints they tell apart share a class"),
    ("chunks-round-down", "Sources/Parallel/Parallel.swift",
     "let size = (count + chunks - 1) / chunks", "let size = Swift.max(1, count / chunks)",
     "work is cut into chunks that leave the last indices out"),
    ("implicit-namespace-no-name-label", "Sources/KubeModel/Namespace.swift",
     "labels[Self.nameLabel] = name", "labels[Self.nameLabel] = labels[Self.nameLabel]",
     "a namespace does not carry its kubernetes.io/metadata.name label"),
    # Admin tiers (issue 17).
    ("tier-pass-is-deny", "Sources/Reachability/Model/ClassModel+Tiers.swift",
     "passed = passed.isEmpty ? open : passed.union(open)", "undecided = undecided.subtracting(open)",
     "an admin Pass drops the connections instead of handing them to the next tier"),
    ("tier-baseline-over-networkpolicy", "Sources/Reachability/Model/ClassModel+Tiers.swift",
     "        if (cache?.isolated ?? isolated).of(direction)[governed] {\n            var admitted",
     "        if false {\n            var admitted",
     "the baseline decides even for pods a NetworkPolicy selects"),
    ("tier-priority-reversed", "Sources/KubeModel/AdminPolicy.swift",
     "(a.tier, a.priority, a.kind.rawValue, a.name) < (b.tier, b.priority, b.kind.rawValue, b.name)",
     "(a.tier, -a.priority, a.kind.rawValue, a.name) < (b.tier, -b.priority, b.kind.rawValue, b.name)",
     "admin policies are evaluated from the highest priority value down"),
    ("tier-unknown-peer-fails-open", "Sources/Reachability/Model/ClassModel.swift",
     "guard !rule.action.admits else { continue }", "guard rule.action.admits else { continue }",
     "a peer with only unknown fields fails open (an Allow matches everything, a Deny nothing)"),
    ("tier-named-port-tcp-only", "Sources/Reachability/Model/ClassModel.swift",
     "NetworkProtocol.allCases.map { PolicyPort(networkProtocol: $0, port: .named(name)) }",
     "[PolicyPort(networkProtocol: .tcp, port: .named(name))]",
     "an admin named port matches only a TCP container port"),
    ("tier-host-network-subject", "Sources/Reachability/Model/ClassModel.swift",
     "            !classes[c].hostNetwork\n                && selection.matches", "            true\n                && selection.matches",
     "host-network pods are admin subjects and peers"),
    ("written-objects-flat-indent", "Sources/Reports/JSONValue.swift",
     "var writer = JSONObjectWriter(indent: indent + 4)", "var writer = JSONObjectWriter(indent: indent + 2)",
     "an array of objects inside a written finding (its locations) is indented as its field, not two spaces in"),
    ("shadowed-covering-repeated", "Sources/Reachability/Audit/Findings/PolicyShadowed.swift",
     "for q in covering where q != unique.last {", "for q in covering {",
     "a policy covering a shadowed one in several classes is listed once per class"),
    ("interval-union-skips-overlap", "Sources/Reachability/IntervalSet.swift",
     "if next.upperBound > last.upperBound { out[out.count - 1] = last.lowerBound...next.upperBound }",
     "if next.upperBound > last.upperBound { out.append(next) }",
     "a union keeps two overlapping ranges apart instead of merging them"),
    ("interval-subset-lower-only", "Sources/Reachability/IntervalSet.swift",
     """guard j < other.ranges.count, other.ranges[j].lowerBound <= range.lowerBound,
                other.ranges[j].upperBound >= range.upperBound""",
     """guard j < other.ranges.count, other.ranges[j].lowerBound <= range.lowerBound""",
     "a range counts as inside another that holds only its start"),
    ("flow-run-keeps-own-source", "Sources/Reachability/FlowBuilder.swift",
     "add(FlowRun(source: p, key: key, targets: targets, skip: Self.position(of: rank[p], in: targets)))",
     "add(FlowRun(source: p, key: key, targets: targets, skip: nil))",
     "a listing's runs give each endpoint a flow to itself"),
    ("flow-run-focus-key-shared", "Sources/Reachability/FlowBuilder.swift",
     "let key = narrowed ? classFlows.groups.classes.count + g : g", "let key = g",
     "a focused listing's narrowed target lists share keys with the whole ones"),
    ("list-cut-depth-from-item", "Sources/Manifests/ListCut.swift",
     "limits.maxDepth -= 2", "limits.maxDepth -= 0",
     "a List's items cut apart are allowed two levels more than in the List"),
    ("list-cut-ignores-aliases", "Sources/Manifests/ListCut.swift",
     "if at == 0 || Self.opensNode.contains(buffer[at - 1]) { return nil }", "if at < 0 { return nil }",
     "a List with aliases is cut, so its aliases no longer count over the whole List"),
]


def run(cmd, cwd, timeout):
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return proc.returncode, proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return None, "timeout"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="run only the mutants whose id contains this (several: comma-separated)")
    parser.add_argument("--keep", help="build in this folder (kept, so a second run is incremental)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds for one build and test run")
    args = parser.parse_args()
    mutants = [m for m in MUTANTS if not args.only or any(o in m[0] for o in args.only.split(","))]

    work = args.keep or tempfile.mkdtemp(prefix="netreach-mutate-")
    source = os.path.join(work, "tree")
    ignore = shutil.ignore_patterns(".build", ".build-*", ".build_*", ".git")
    if not os.path.exists(source):
        shutil.copytree(ROOT, source, ignore=ignore, symlinks=True)
    else:  # refresh the sources of a kept copy
        for folder in ["Sources", "Tests", "Fuzz", "Fixtures", "examples", "scripts"]:
            shutil.rmtree(os.path.join(source, folder), ignore_errors=True)
            shutil.copytree(os.path.join(ROOT, folder), os.path.join(source, folder), ignore=ignore, symlinks=True)
        for name in ["Package.swift", "README.md", "Makefile"]:  # the README's examples are tested too
            shutil.copy(os.path.join(ROOT, name), os.path.join(source, name))
    schemas = os.path.join(ROOT, ".build", "schemas")
    if os.path.isdir(schemas):  # the schema tests read them from .build/schemas
        shutil.copytree(schemas, os.path.join(source, ".build", "schemas"), dirs_exist_ok=True)

    test = ["swift", "test"]
    print(f"baseline: building and testing the unmutated copy in {source}", flush=True)
    code, output = run(test, source, args.timeout * 3)
    if code != 0:
        print(output[-3000:])
        print("error: the unmutated tree does not pass its tests; fix that first", file=sys.stderr)
        return 2

    rows = []
    for ident, path, original, mutated, meaning in mutants:
        file = os.path.join(source, path)
        text = open(file).read()
        if text.count(original) != 1:
            rows.append((ident, "STALE", meaning, "the original text is not in the file once; update the mutant"))
            continue
        open(file, "w").write(text.replace(original, mutated))
        start = time.time()
        code, output = run(test, source, args.timeout)
        open(file, "w").write(text)
        seconds = time.time() - start
        if code is None:
            verdict, detail = "killed", "timeout"
        elif "error: " in output and ("Compiling" in output or "emit-module" in output) and code != 0 \
                and "Test run" not in output:
            verdict, detail = "NOT BUILT", "the mutant does not compile; update it"
        elif code != 0:
            failed = [l for l in output.splitlines() if l.startswith("✘ Test ") and "recorded" not in l]
            verdict, detail = "killed", f"{len(failed)} failing test(s)"
        else:
            verdict, detail = "SURVIVED", "no test failed"
        rows.append((ident, verdict, meaning, f"{detail}, {seconds:.0f} s"))
        print(f"{ident:34} {verdict:9} {detail}", flush=True)

    killed = sum(1 for r in rows if r[1] == "killed")
    print()
    print("| mutant | verdict | what it gets wrong | detail |")
    print("|---|---|---|---|")
    for ident, verdict, meaning, detail in rows:
        print(f"| {ident} | {verdict} | {meaning} | {detail} |")
    print(f"\n{killed} of {len(rows)} mutants killed")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if killed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
