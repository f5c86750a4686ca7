import KubeModel
import Manifests
import Testing

@testable import Reachability

private func controllerFlows(_ result: Reachability) -> [String] {
    result.flows.filter { result.peers[$0.source].name == "{ingress-controller}" }.map {
        "\(result.peers[$0.destination].name) : \($0.connections)"
    }
}

private let workloads = """
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web, tier: front}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}, {name: dns, containerPort: 53, protocol: UDP}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web2, namespace: shop, labels: {app: web2, tier: front}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8081}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: other, labels: {app: api}}
    spec: {containers: [{name: c, ports: [{containerPort: 7000}]}]}
    ---

    """

/// A named targetPort resolves on each pod; a Service selecting two workloads reaches both; an Ingress port asked
/// by Service port name picks that port only; a UDP container port is never reached; a Route's `to` and
/// alternate backend both count.
@Test func ingressesAndRoutesReachTheWorkloadsOfTheirServices() throws {
    let result = try analyze(
        workloads + """
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec: {selector: {tier: front}, ports: [{name: web, port: 80, targetPort: http}, {name: dns, port: 53, targetPort: dns, protocol: UDP}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: metrics, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 9090}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: site, namespace: shop}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: front, port: {name: web}}}}
            ---
            apiVersion: route.openshift.io/v1
            kind: Route
            metadata: {name: scrape, namespace: shop}
            spec:
              to: {kind: Service, name: metrics, weight: 80}
              alternateBackends: [{kind: Service, name: front, weight: 20}]
            """
    )
    #expect(
        controllerFlows(result) == [
            "shop/web2[Pod] : TCP 8081",
            "shop/web[Pod] : TCP 8080,9090",
        ]
    )
    #expect(result.model.ingressWarnings().isEmpty)
}

/// A backend whose Service is not there (or is in another namespace: a backend always names a Service of its own
/// namespace) and a Service without a selector (ExternalName: a note) reach nothing, each said where it is; a
/// workload whose ingress policies admit nothing from the controller's namespace gets no flow and a warning, one
/// that admits every namespace gets the port.
@Test func missingServicesSelectorlessServicesAndPoliciesAreReported() throws {
    let yaml =
        workloads + """
            apiVersion: v1
            kind: Service
            metadata: {name: outside, namespace: shop}
            spec: {type: ExternalName, externalName: db.example.com}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec: {selector: {tier: front}, ports: [{port: 80, targetPort: http}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: site, namespace: shop}
            spec:
              defaultBackend: {service: {name: front, port: {number: 80}}}
              rules:
                - http:
                    paths:
                      - {path: /a, pathType: Prefix, backend: {service: {name: api, port: {number: 7000}}}}
                      - {path: /b, pathType: Prefix, backend: {service: {name: outside, port: {number: 443}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}]}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web2, namespace: shop}
            spec: {podSelector: {matchLabels: {app: web2}}, ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8081}]}]}
            """
    let result = try analyze(yaml)
    #expect(controllerFlows(result) == ["shop/web2[Pod] : TCP 8081"])
    let warnings = result.model.ingressWarnings().map { "\($0.location.map { "\($0.line)" } ?? "-"): \($0.message)" }
    #expect(warnings.count == 3, "\(warnings)")
    #expect(warnings.contains { $0.contains("Ingress shop/site sends to Service 'api', which is not in the input") })
    #expect(
        warnings.contains {
            $0.contains("Service shop/outside is ExternalName: it forwards to a name outside the cluster")
        }
    )
    // ExternalName is meant to point outside: a note, not a warning.
    #expect(result.model.ingressWarnings().first { $0.message.contains("ExternalName") }?.severity == .note)
    #expect(
        warnings.contains {
            $0.contains("shop/web[Pod] is behind an Ingress or Route, but its ingress policies admit nothing")
        }
    )
    // The warning about the missing Service points at its backend (line of `- {path: /a …}`).
    let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("path: /a") }
    #expect(
        result.model.ingressWarnings().first { $0.message.contains("'api'") }?.location?.line == line.map { $0 + 1 }
    )
}

/// A bad port, external IP, source range or traffic policy in a Service is a located error, as in a policy.
@Test(arguments: [
    ("spec: {externalIPs: [not-an-ip]}", "spec.externalIPs[0]"),
    ("spec: {loadBalancerSourceRanges: [10.0.0.0/33]}", "spec.loadBalancerSourceRanges[0]"),
    ("spec: {externalTrafficPolicy: Nearest}", "spec.externalTrafficPolicy"),
    ("spec: {ports: [{port: 80, targetPort: -bad-}]}", "spec.ports[0].targetPort"),
])
func badServiceFieldsAreLocatedErrors(spec: String, field: String) {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\n" + spec + "\n"
    do {
        _ = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml")
        Issue.record("\(spec) was accepted")
    } catch {
        #expect(error.location?.line == 4 && error.message.contains(field), "\(error.message)")
    }
}

/// A bad port in a Service is a located error, as in a policy.
@Test func badServicePortsAreLocatedErrors() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\nspec: {ports: [{port: 70000}]}\n"
    #expect(throws: Diagnostic.self) { try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml") }
    do {
        _ = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml")
    } catch {
        #expect(error.location?.line == 4 && error.message.contains("spec.ports[0].port"), "\(error.message)")
    }
}

/// An HTTPRoute with two backends reaches both Services' workloads on the Service port named; a backend in another
/// namespace counts only with a ReferenceGrant there for that kind and namespace (else a warning); a backendRef of
/// another kind is not a Service.
@Test func gatewayRoutesReachTheirBackendsWithReferenceGrants() throws {
    let yaml =
        workloads + """
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}, {port: 9090}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: other}
            spec: {selector: {app: api}, ports: [{port: 7000}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web2, namespace: shop}
            spec: {selector: {app: web2}, ports: [{port: 8081}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: site, namespace: shop}
            spec:
              parentRefs: [{name: gateway}]
              rules:
                - backendRefs: [{name: front, port: 80, weight: 90}, {name: api, namespace: other, port: 7000, weight: 10}]
                - backendRefs: [{group: example.com, kind: Bucket, name: web2}]
            ---
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: from-shop, namespace: other}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
              to: [{group: "", kind: Service}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: rpc, namespace: shop}
            spec:
              rules:
                - backendRefs: [{name: api, namespace: other, port: 7000}]
            """
    let result = try analyze(yaml)
    #expect(controllerFlows(result) == ["other/api[Pod] : TCP 7000", "shop/web[Pod] : TCP 8080"])
    let warnings = result.model.ingressWarnings().map(\.message)
    #expect(
        warnings.count == 1
            && warnings.first?.hasPrefix(
                "GRPCRoute shop/rpc sends to Service other/api in another namespace, and no ReferenceGrant"
            ) == true,
        "\(warnings)"
    )
}

/// The controller's pair explained: where a way in sends, its ingress names the way (and the policy rule that
/// admits a pod of any namespace); elsewhere every way that sends to the workload, as not matching, and the rule.
@Test func theIngressControllersPairsAreExplainedByTheirWaysIn() throws {
    let result = try analyze(
        workloads + """
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: site, namespace: shop}
            spec: {defaultBackend: {service: {name: front, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}, {port: 9090}]}]}
            """
    )
    let model = result.model
    let e = try #require(model.cluster.endpoints.firstIndex { $0.name == "web" })
    let slices = model.explainIngressController(to: e).map { slice in
        let reasons = slice.ingress.reasons.map { reason -> String in
            switch reason {
            case .wayIn(let kind, let id, let service, let allows, _):
                "\(allows ? "allow" : "deny") \(kind.rawValue) \(id) \(service)"
            case .admittedBy(let r): "admit \(model.origin(r).name)#\(model.origin(r).index + 1)"
            case .portsMismatch(let r, _): "ports \(model.origin(r).name)#\(model.origin(r).index + 1)"
            default: "\(reason)"
            }
        }
        return "\(slice.connections) \(slice.allowed ? "allowed" : "denied") \(reasons)"
    }
    #expect(
        slices == [
            "TCP 8080 allowed [\"allow Ingress shop/site front\", \"admit web#1\"]",
            "TCP 9090 denied [\"deny Ingress shop/site front\", \"admit web#1\"]",
            "TCP 1-8079,8081-9089,9091-65535; UDP 1-65535; SCTP 1-65535 denied [\"deny Ingress shop/site front\", \"ports web#1\"]",
        ]
    )
    // The flow list agrees: the controller reaches web on what both allow.
    #expect(controllerFlows(result) == ["shop/web[Pod] : TCP 8080"])
    // A workload no way in sends to has no such pair.
    #expect(
        model.explainIngressController(to: try #require(model.cluster.endpoints.firstIndex { $0.name == "api" }))
            .isEmpty
    )
}
