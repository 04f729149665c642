public import Foundation
import Synchronization

/// Foundation's `Process.run()` on Linux crashed once in a full run (a bad pointer in its memcpy)
/// while other threads of the suite were starting processes at the same time. Every test starts
/// its child processes through this one lock, so no two launches overlap; the children still run
/// side by side.
private let launches = Mutex<Int>(0)

/// Starts `process` (as `process.run()`), one launch at a time across the test process.
public func launchSerially(_ process: Process) throws {
    let failure: (any Error)? = launches.withLock { count in
        count += 1
        do {
            try process.run()
            return nil
        } catch {
            return error
        }
    }
    if let failure { throw failure }
}
