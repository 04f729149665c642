import Dispatch
import Foundation

/// `items.map(transform)` on every core, in order; the first error thrown wins. For CPU work with
/// no I/O (decoding a snapshot, rendering pages): a bounded pool of threads, one per core.
public func parallelMap<Item: Sendable, Result: Sendable, Failure: Error>(
    _ items: [Item], _ transform: @Sendable (Item) throws(Failure) -> Result
) throws(Failure) -> [Result] {
    guard items.count > 1 else { return try items.map(transform) }
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count))
    let box = ResultBox<Result, Failure>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var index = worker
        while index < items.count {
            if box.failed { return }
            do throws(Failure) {
                let value = try transform(items[index])
                box.set(index, value)
            } catch {
                box.fail(error)
                return
            }
            index += workers
        }
    }
    if let error = box.error { throw error }
    return box.values()
}

/// The results of `parallelMap`, written by several threads under a lock.
private final class ResultBox<Result: Sendable, Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result?]
    private(set) var error: Failure?

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    var failed: Bool { lock.withLock { error != nil } }

    func set(_ index: Int, _ value: Result) {
        lock.withLock { results[index] = value }
    }

    func fail(_ failure: Failure) {
        lock.withLock { if error == nil { error = failure } }
    }

    func values() -> [Result] {
        lock.withLock { results.map { $0! } }
    }
}
