import KubeModel
import Reachability
import Testing

// One test (or more) per rule of DESIGN.md "NetworkPolicy semantics".

@Test func rule1_unselectedEndpointsAreDefaultAllowedAndMarked() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("b", labels: "{app: b}")
        + netpol("deny-b", "{podSelector: {matchLabels: {app: b}}, policyTypes: [Ingress]}")
    let result = try analyze(yaml)
    let lines = result.flows.map {
        "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name) : \($0.connections) \($0.defaultAllow.map(\.rawValue).sorted())"
    }
    #expect(
        lines == [
            "0.0.0.0-255.255.255.255 => default/a[Pod] : All Connections [\"Ingress\"]",
            "default/a[Pod] => 0.0.0.0-255.255.255.255 : All Connections [\"Egress\"]",
            "default/b[Pod] => 0.0.0.0-255.255.255.255 : All Connections [\"Egress\"]",
            "default/b[Pod] => default/a[Pod] : All Connections [\"Egress\", \"Ingress\"]",
        ]
    )
    #expect(result.isolation == [[], [.ingress]])
}

@Test func rule2_policyTypesAbsentMeansIngressOnlyWithoutEgressRules() throws {
    let yaml =
        pod("a") + pod("b", labels: "{app: b}")
        + netpol("p", "{podSelector: {matchLabels: {app: b}}, ingress: []}")
    // b is isolated for ingress only; its egress stays open.
    #expect(try podFlows(yaml) == ["default/b[Pod] => default/a[Pod] : All Connections"])
}

@Test func rule2_egressRulesAddEgressWhenPolicyTypesAbsent() throws {
    let yaml =
        pod("a") + pod("b", labels: "{app: b}")
        + netpol("p", "{podSelector: {matchLabels: {app: b}}, egress: [{ports: [{port: 53, protocol: UDP}]}]}")
    #expect(try podFlows(yaml) == ["default/b[Pod] => default/a[Pod] : UDP 53"])
}

@Test func rule2_explicitEgressOnlyLeavesIngressOpen() throws {
    let yaml =
        pod("a") + pod("b", labels: "{app: b}")
        + netpol("p", "{podSelector: {matchLabels: {app: b}}, policyTypes: [Egress]}")
    #expect(try podFlows(yaml) == ["default/a[Pod] => default/b[Pod] : All Connections"])
}

@Test func rule3_policiesAreAdditive() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("b", labels: "{app: b}")
        + netpol("p1", "{podSelector: {matchLabels: {app: b}}, ingress: [{ports: [{port: 80}]}]}")
        + netpol(
            "p2",
            "{podSelector: {matchLabels: {app: b}}, ingress: [{ports: [{port: 443}, {port: 53, protocol: UDP}]}]}"
        )
    #expect(try podFlows(yaml).contains("default/a[Pod] => default/b[Pod] : TCP 80,443; UDP 53"))
}

@Test func rule3_aFlowNeedsEgressAtTheSourceAndIngressAtTheDestination() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("b", labels: "{app: b}")
        + netpol(
            "a-out",
            "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], egress: [{ports: [{port: 80}, {port: 81}]}]}"
        )
        + netpol("b-in", "{podSelector: {matchLabels: {app: b}}, ingress: [{ports: [{port: 81}, {port: 82}]}]}")
    #expect(
        try podFlows(yaml) == [
            "default/a[Pod] => default/b[Pod] : TCP 81", "default/b[Pod] => default/a[Pod] : All Connections",
        ]
    )
}

@Test func rule4_emptyPodSelectorSelectsTheWholeNamespaceOnly() throws {
    let yaml =
        namespace("x") + namespace("y") + pod("a", ns: "x") + pod("b", ns: "x") + pod("c", ns: "y")
        + netpol("deny", ns: "x", "{podSelector: {}, policyTypes: [Ingress]}")
    #expect(try podFlows(yaml) == ["x/a[Pod] => y/c[Pod] : All Connections", "x/b[Pod] => y/c[Pod] : All Connections"])
}

@Test func rule4_ruleWithoutPeersAllowsAllPeersIncludingExternal() throws {
    let yaml =
        pod("a") + pod("b", labels: "{app: b}")
        + netpol("p", "{podSelector: {matchLabels: {app: b}}, ingress: [{ports: [{port: 8080}]}]}")
    let lines = try flows(yaml)
    #expect(lines.contains("0.0.0.0-255.255.255.255 => default/b[Pod] : TCP 8080"))
    #expect(lines.contains("default/a[Pod] => default/b[Pod] : TCP 8080"))
}

@Test func rule4_ruleWithoutPortsAllowsAllPorts() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("b", labels: "{app: b}")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: b}}, ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}"
        )
    #expect(try podFlows(yaml).contains("default/a[Pod] => default/b[Pod] : All Connections"))
    #expect(!(try flows(yaml)).contains { $0.hasPrefix("0.0.0.0") && $0.contains("default/b") })
}

@Test func rule5_podSelectorAloneMeansThePolicysNamespace() throws {
    let yaml =
        namespace("x") + namespace("y") + pod("a", ns: "x", labels: "{app: c}") + pod("b", ns: "y", labels: "{app: c}")
        + pod("t", ns: "x", labels: "{app: t}")
        + netpol(
            "p",
            ns: "x",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{podSelector: {matchLabels: {app: c}}}]}]}"
        )
    let lines = try podFlows(yaml).filter { $0.contains("=> x/t") }
    #expect(lines == ["x/a[Pod] => x/t[Pod] : All Connections"])
}

@Test func rule5_namespaceSelectorAloneMeansAllPodsOfMatchingNamespaces() throws {
    let yaml =
        namespace("x") + namespace("y", "{team: t}") + pod("a", ns: "y") + pod("b", ns: "y", labels: "{k: v}")
        + pod("c", ns: "x") + pod("t", ns: "x", labels: "{app: t}")
        + netpol(
            "p",
            ns: "x",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: t}}}]}]}"
        )
    #expect(
        try podFlows(yaml).filter { $0.contains("=> x/t") } == [
            "y/a[Pod] => x/t[Pod] : All Connections", "y/b[Pod] => x/t[Pod] : All Connections",
        ]
    )
}

@Test func rule5_bothSelectorsInOnePeerAreANDedAndTwoItemsAreORed() throws {
    let target = pod("t", ns: "x", labels: "{app: t}")
    let pods =
        namespace("x") + namespace("y", "{team: t}") + pod("a", ns: "y", labels: "{app: c}") + pod("b", ns: "y")
        + pod("c", ns: "x", labels: "{app: c}") + target
    let and = netpol(
        "p",
        ns: "x",
        "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: t}}, podSelector: {matchLabels: {app: c}}}]}]}"
    )
    #expect(try podFlows(pods + and).filter { $0.contains("=> x/t") } == ["y/a[Pod] => x/t[Pod] : All Connections"])
    let or = netpol(
        "p",
        ns: "x",
        "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: t}}}, {podSelector: {matchLabels: {app: c}}}]}]}"
    )
    #expect(
        try podFlows(pods + or).filter { $0.contains("=> x/t") } == [
            "x/c[Pod] => x/t[Pod] : All Connections", "y/a[Pod] => x/t[Pod] : All Connections",
            "y/b[Pod] => x/t[Pod] : All Connections",
        ]
    )
}

@Test func rule5_emptyNamespaceSelectorMeansAllNamespacesAndNameLabelIsImplicit() throws {
    let yaml =
        namespace("x") + namespace("y") + pod("a", ns: "y") + pod("t", ns: "x", labels: "{app: t}")
        + netpol(
            "all-ns",
            ns: "x",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {}}]}]}"
        )
    #expect(try podFlows(yaml).contains("y/a[Pod] => x/t[Pod] : All Connections"))
    let byName =
        namespace("x") + namespace("y") + pod("a", ns: "y") + pod("t", ns: "x", labels: "{app: t}")
        + netpol(
            "by-name",
            ns: "x",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]}]}"
        )
    #expect(try podFlows(byName).contains("y/a[Pod] => x/t[Pod] : All Connections"))
}

@Test func rule6_notInAndDoesNotExistMatchPodsWithoutTheKey() throws {
    let yaml =
        pod("plain") + pod("prod", labels: "{env: prod}") + pod("t", labels: "{app: t}")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{podSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}}]}]}"
        )
    #expect(
        try podFlows(yaml).filter { $0.contains("=> default/t") } == [
            "default/plain[Pod] => default/t[Pod] : All Connections"
        ]
    )
}

@Test func rule7_ipBlockIsCIDRMinusExceptAndNeverMatchesPods() throws {
    let yaml =
        pod("a", labels: "{app: a}")
        + netpol(
            "p",
            "{podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 443}]}]}"
        )
        + pod("b", labels: "{app: b}")
    let lines = try flows(yaml)
    #expect(lines.contains("default/a[Pod] => 10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255 : TCP 443"))
    #expect(!lines.contains { $0.hasPrefix("default/a[Pod] => default/b") })
}

@Test func rule7_addressAtomsSplitAtEveryBoundaryForIngress() throws {
    let yaml =
        pod("t", labels: "{app: t}")
        + netpol(
            "p",
            "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 80}]}, {from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}"
        )
    #expect(
        try flows(yaml).filter { $0.hasSuffix("TCP 80") || $0.contains("=> default/t") } == [
            "0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255 => default/t[Pod] : TCP 80",
            "10.0.0.0-10.255.255.255 => default/t[Pod] : All Connections",
        ]
    )
}

@Test func rule7_ipv6AddressesAppearOnlyWhenAnIPv6BlockIsUsed() throws {
    let v4only = pod("a") + netpol("p", "{podSelector: {}, policyTypes: [Egress], egress: [{}]}")
    #expect(
        try flows(v4only) == [
            "0.0.0.0-255.255.255.255 => default/a[Pod] : All Connections",
            "default/a[Pod] => 0.0.0.0-255.255.255.255 : All Connections",
        ]
    )
    let v6 =
        pod("a")
        + netpol(
            "p",
            "{podSelector: {}, policyTypes: [Egress, Ingress], egress: [{to: [{ipBlock: {cidr: 'fd00::/8'}}]}]}"
        )
    #expect(try flows(v6) == ["default/a[Pod] => fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff : All Connections"])
}

@Test func rule8_protocolDefaultsToTCPAndPortlessItemsMeanTheWholeProtocol() throws {
    let yaml =
        pod("a") + pod("t", labels: "{app: t}")
        + netpol("p", "{podSelector: {matchLabels: {app: t}}, ingress: [{ports: [{port: 80}, {protocol: UDP}]}]}")
    #expect(try podFlows(yaml).contains("default/a[Pod] => default/t[Pod] : TCP 80; UDP 1-65535"))
}

@Test func rule8_endPortMakesARange() throws {
    let yaml =
        pod("a") + pod("t", labels: "{app: t}")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{ports: [{port: 8000, endPort: 8080, protocol: SCTP}]}]}"
        )
    #expect(try podFlows(yaml).contains("default/a[Pod] => default/t[Pod] : SCTP 8000-8080"))
}

@Test func rule8_namedPortsResolvePerDestinationWithProtocol() throws {
    let yaml =
        pod("a") + pod("web1", labels: "{app: web}", ports: "[{name: http, containerPort: 8080}]")
        + pod(
            "web2",
            labels: "{app: web}",
            ports: "[{name: http, containerPort: 9090}, {name: dns, containerPort: 53, protocol: UDP}]"
        )
        + pod("web3", labels: "{app: web}", ports: "[{name: http, containerPort: 80, protocol: UDP}]")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http}, {port: dns, protocol: UDP}]}]}"
        )
    let lines = try podFlows(yaml).filter { $0.hasPrefix("default/a[Pod]") }
    #expect(
        lines == [
            "default/a[Pod] => default/web1[Pod] : TCP 8080",
            "default/a[Pod] => default/web2[Pod] : TCP 9090; UDP 53",
        ]
    )
}

@Test func rule8_egressNamedPortsResolveOnTheDestination() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("db", labels: "{app: db}", ports: "[{name: sql, containerPort: 5432}]")
        + pod("other", labels: "{app: o}", ports: "[{name: web, containerPort: 80}]")
        + netpol("p", "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], egress: [{ports: [{port: sql}]}]}")
    let lines = try flows(yaml).filter { $0.hasPrefix("default/a[Pod]") }
    #expect(lines == ["default/a[Pod] => default/db[Pod] : TCP 5432"])
}

@Test func rule9_hostNetworkPodsAreOrdinaryEndpointsForList() throws {
    let yaml =
        pod("h", labels: "{app: h}", extra: "hostNetwork: true, ") + pod("t", labels: "{app: t}")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{podSelector: {matchLabels: {app: h}}}], ports: [{port: 22}]}]}"
        )
    #expect(try podFlows(yaml).contains("default/h[Pod] => default/t[Pod] : TCP 22"))
    #expect(try analyze(yaml).cluster.endpoints.first?.hostNetwork == true)
}

@Test func rule10_implicitNamespacesCarryTheirNameLabel() throws {
    let yaml =
        pod("a", ns: "undeclared") + pod("t", labels: "{app: t}")
        + netpol(
            "p",
            "{podSelector: {matchLabels: {app: t}}, ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: undeclared}}}]}]}"
        )
    #expect(try podFlows(yaml).contains("undeclared/a[Pod] => default/t[Pod] : All Connections"))
}

@Test func selfFlowsAreNotListedButClassmatesReachEachOther() throws {
    let yaml =
        pod("a", labels: "{app: x}") + pod("b", labels: "{app: x}")
        + netpol(
            "p",
            "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}"
        )
    #expect(
        try flows(yaml) == [
            "default/a[Pod] => default/b[Pod] : All Connections", "default/b[Pod] => default/a[Pod] : All Connections",
        ]
    )
}

@Test func emptyIngressListIsolatesAndAllowsNothing() throws {
    let yaml = pod("a") + netpol("p", "{podSelector: {}, ingress: []}")
    #expect(try flows(yaml) == ["default/a[Pod] => 0.0.0.0-255.255.255.255 : All Connections"])
}
