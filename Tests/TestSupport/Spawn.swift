public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program with `posix_spawn` and collects its output, without Foundation's
/// `Process.run()`: on Linux with Swift 6.3.1 that call over-reads a directory entry while it looks
/// for the highest open descriptor and crashes now and then (swift-corelibs-foundation PR 5472,
/// "buffer over-read in findMaximumOpenFromProcSelfFD"); two bare runs of the suite crashed there.
/// The folder is set through `env -C`, standard input is /dev/null, and the output pipes are
/// close-on-exec in the parent so that no other child inherits them.
func spawnAndCollect(_ executable: URL, _ arguments: [String], in directory: URL?, environment: [String: String]) throws -> ProcessResult {
    let (status, stdout, stderr) = try spawnAndCollectData(executable, arguments, in: directory, environment: environment)
    return ProcessResult(status: status, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// `spawnAndCollect` with the output as bytes.
public func spawnAndCollectData(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                                environment: [String: String]) throws -> (status: Int32, stdout: Data, stderr: Data) {
    var program = executable.path
    var argv = [executable.path] + arguments
    if let directory {
        program = "/usr/bin/env"
        argv = ["/usr/bin/env", "-C", directory.path, executable.path] + arguments
    }
    var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
    guard pipe(&out) == 0 else { throw TestFailure("pipe: errno \(errno)") }
    guard pipe(&err) == 0 else {
        close(out[0]); close(out[1])
        throw TestFailure("pipe: errno \(errno)")
    }
    for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out[1], 1)
    posix_spawn_file_actions_adddup2(&actions, err[1], 2)

    let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    let cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in cArguments { free(pointer) }
        for pointer in cEnvironment { free(pointer) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, program, &actions, nil, cArguments, cEnvironment)
    close(out[1])
    close(err[1])
    guard spawned == 0 else {
        close(out[0]); close(err[0])
        throw TestFailure("cannot start \(program): errno \(spawned)")
    }
    // Both pipes at once, so that a full one cannot block the child.
    var collected: [Data] = [Data(), Data()]
    var fds = [pollfd(fd: out[0], events: Int16(POLLIN), revents: 0), pollfd(fd: err[0], events: Int16(POLLIN), revents: 0)]
    var open = 2
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while open > 0 {
        let ready = poll(&fds, nfds_t(fds.count), -1)
        if ready < 0 {
            if errno == EINTR { continue }
            break
        }
        for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
            let count = read(fds[index].fd, &buffer, buffer.count)
            if count > 0 {
                collected[index].append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                close(fds[index].fd)
                fds[index].fd = -1
                open -= 1
            }
        }
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    let exited = status & 0x7f == 0
    let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, collected[0], collected[1])
}
