/// Runs `body` with what `setUp` returns, then always awaits `tearDown`, also when `body` throws:
/// a test's simulated cloud is stopped before the test ends, where `defer { Task { await
/// stop() } }` would end the test first and leave the stop to run at some later time.
public func withAsyncTeardown<Resource, Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ setUp: () async throws -> Resource,
    body: (Resource) async throws -> Result,
    tearDown: (Resource) async -> Void
) async throws -> Result {
    let resource = try await setUp()
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await tearDown(resource)
        throw error
    }
    await tearDown(resource)
    return result
}
