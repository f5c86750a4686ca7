import KubeModel
import Testing

@Test(
    arguments: [
        ("db/postgres", EndpointReference(namespace: "db", name: "postgres")),
        ("db/postgres[StatefulSet]", EndpointReference(namespace: "db", name: "postgres", kind: "StatefulSet")),
    ] as [(String, EndpointReference)]
)
func endpointReferencesParse(text: String, expected: EndpointReference) {
    #expect(EndpointReference(text) == expected)
    #expect(EndpointReference(text)?.description == text)
    #expect(EndpointReference.looksLikeReference(text))
}

@Test(arguments: ["/web", "db/", "db/a/b", "db/web[]", "web"])
func malformedEndpointReferencesAreRejected(text: String) {
    #expect(EndpointReference(text) == nil)
}

@Test func selectorsDoNotLookLikeReferences() {
    #expect(!EndpointReference.looksLikeReference("app=web/x"))
    #expect(!EndpointReference.looksLikeReference("tier in (db,cache)"))
    #expect(!EndpointReference.looksLikeReference("frontend"))
}
