import KubeModel
import Testing

@testable import Reachability

private let shop = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: shop, labels: {team: a}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: shop, labels: {app: api}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: shop, labels: {app: db}}
    spec: {containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: db, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: db}}
      policyTypes: [Ingress, Egress]
      ingress:
        - from: [{podSelector: {matchLabels: {app: api}}}]
          ports: [{port: 5432}]
        - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [b]}]}}]
          ports: [{port: pg}]
        - from: [{podSelector: {matchExpressions: [{key: role, operator: NotIn, values: [batch]}]}}]
          ports: [{port: 9187}]
        - from: [{namespaceSelector: {}}]
          ports: [{port: 5432}]
        - from: [{podSelector: {matchLabels: {app: web}}}]
          ports: [{port: 80}]
      egress:
        - to: [{namespaceSelector: {matchLabels: {team: metrics}}}]
          ports: [{port: metrics}, {port: 9090}]
        - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
    """

private func lines(_ exposure: Exposure, _ result: Reachability) -> [String] {
    exposure.entries.map {
        "\(result.peers[$0.endpoint].name) \($0.direction == .egress ? "=>" : "<=") \($0.peer.description) : "
            + $0.connections.description
    }
}

/// Each selector a rule writes is a peer, with what every rule it also satisfies admits (a pod with role=x in shop
/// matches `role notin (batch)` and the whole cluster: 5432 and 9187); a narrower peer that gets no more than the
/// entire cluster is left out (team in (b)); one that a real pod matches exactly (app=api) is left out, one that
/// none does (app=web) stays; an ingress named port resolves on the governed pod, an egress one stays a name;
/// ipBlocks are address entries; an unprotected direction is the entire cluster and every address.
@Test func exposureListsWhatSelectorsAdmitBeyondThePodsInTheInput() throws {
    let result = try analyze(shop)
    let exposure = result.exposure()
    #expect(
        lines(exposure, result) == [
            "shop/api[Pod] => entire cluster : All Connections",
            "shop/api[Pod] <= entire cluster : All Connections",
            "shop/db[Pod] => [namespaces team=metrics]/[all pods] : TCP 9090,metrics",
            "shop/db[Pod] <= entire cluster : TCP 5432",
            "shop/db[Pod] <= [namespace shop]/[pods app=web] : TCP 80,5432",
            "shop/db[Pod] <= [namespace shop]/[pods role notin (batch)] : TCP 5432,9187",
        ]
    )
    let addresses = exposure.addresses.map {
        "\(result.peers[$0.endpoint].name) \($0.direction.rawValue) \($0.addresses.description) \($0.connections)"
    }
    #expect(
        addresses == [
            "shop/api[Pod] Egress 0.0.0.0-255.255.255.255 All Connections",
            "shop/api[Pod] Ingress 0.0.0.0-255.255.255.255 All Connections",
            "shop/db[Pod] Egress 10.0.0.0-10.255.255.255 All Connections",
        ]
    )
    #expect(
        exposure.unprotected.map { "\(result.peers[$0.endpoint].name) \($0.direction)" } == [
            "shop/api[Pod] egress", "shop/api[Pod] ingress",
        ]
    )
}

/// The focus keeps one workload, one direction, and entries that hold the whole focus connection (shown as it).
@Test func exposureFollowsTheFocus() throws {
    let result = try analyze(shop)
    var focus = Focus()
    focus.workloads = ["db"]
    focus.direction = .ingress
    #expect(lines(result.exposure(focus: focus), result).count == 3)
    focus.connection = ConnectionSet(.tcp, PortSet(9187...9187))
    #expect(
        lines(result.exposure(focus: focus), result) == [
            "shop/db[Pod] <= [namespace shop]/[pods role notin (batch)] : TCP 9187"
        ]
    )
    #expect(result.exposure(focus: focus).unprotected.isEmpty && result.exposure(focus: focus).addresses.isEmpty)
}
