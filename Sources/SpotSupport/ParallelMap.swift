import Dispatch
public import Foundation
import Synchronization

/// `items.map(transform)` on every core, in order; the first error thrown wins. For CPU work with
/// no I/O (encoding or decoding a snapshot, rendering pages, hashing and deflating blobs): a
/// bounded pool of threads, one per core, each taking every `workers`-th item.
///
/// It blocks the calling thread until every item is done: from async code call it through
/// `offCooperativePool`, never directly, so that no Swift-concurrency thread waits on it.
///
/// `minimumPerWorker` keeps cheap items from being spread too thin (a worker starts only for
/// every that many items).
public func parallelMap<Item: Sendable, Result: Sendable, Failure: Error>(
    _ items: [Item], minimumPerWorker: Int = 1, _ transform: @Sendable (Item) throws(Failure) -> Result
) throws(Failure) -> [Result] {
    guard items.count > 1 else { return try items.map(transform) }
    let perWorker = max(1, minimumPerWorker)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, (items.count + perWorker - 1) / perWorker))
    guard workers > 1 else { return try items.map(transform) }
    let slots = Slots<Result>(count: items.count)
    let failure = Mutex<Failure?>(nil)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var index = worker
        while index < items.count {
            do throws(Failure) {
                slots.set(index, try transform(items[index]))
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
                return
            }
            if index % 64 == 0, failure.withLock({ $0 != nil }) { return }
            index += workers
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return slots.values()
}

/// Runs CPU-bound synchronous work (such as `parallelMap`) on a Dispatch thread and waits for it
/// without blocking a thread of Swift's cooperative pool.
public func offCooperativePool<Result: Sendable, Failure: Error>(
    _ body: @escaping @Sendable () throws(Failure) -> Result
) async throws(Failure) -> Result {
    let outcome: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            do throws(Failure) {
                continuation.resume(returning: .success(try body()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try outcome.get()
}

/// The result slots of one `parallelMap`: each slot is written by exactly one worker (the item's
/// index decides which), and read only after `concurrentPerform` returned, which orders the
/// writes before the reads. No lock is needed, so none is taken per item.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Value) {
        storage[index] = value
    }

    func values() -> [Value] {
        (0..<count).map { storage[$0]! }
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
}
