/// Validation of repository-relative paths before anything is written.
enum RepositoryPath {
    /// Checks a file path: relative, `/`-separated, no empty, `.` or `..` components, nothing
    /// inside `.git`, no NUL or backslash. Returns it unchanged.
    static func validateFile(_ path: String) throws(GitStoreError) -> String {
        if path.isEmpty {
            throw .invalidPath(path, reason: "the path is empty")
        }
        if path.hasPrefix("/") {
            throw .invalidPath(path, reason: "absolute paths are not allowed; give a path relative to the repository root")
        }
        if path.utf8.contains(0) {
            throw .invalidPath(path, reason: "the path contains a NUL byte")
        }
        if path.contains("\\") {
            throw .invalidPath(path, reason: "use '/' to separate path components, not '\\'")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        for component in components {
            switch component {
            case "":
                throw .invalidPath(path, reason: "the path has an empty component (a leading, trailing or doubled '/')")
            case ".":
                throw .invalidPath(path, reason: "'.' components are not allowed")
            case "..":
                throw .invalidPath(path, reason: "'..' components are not allowed; the path must stay inside the repository")
            default:
                if component.lowercased() == ".git" {
                    throw .invalidPath(path, reason: "paths inside .git are not allowed")
                }
            }
        }
        return path
    }

    /// Checks a directory path; one trailing `/` is allowed and removed.
    static func validateDirectory(_ path: String) throws(GitStoreError) -> String {
        var trimmed = path
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.isEmpty {
            throw .invalidPath(path, reason: "the path is empty (the repository root cannot be replaced or deleted)")
        }
        do {
            return try validateFile(trimmed)
        } catch {
            if case .invalidPath(_, let reason) = error { throw .invalidPath(path, reason: reason) }
            throw error
        }
    }

    /// A directory to read under: like `validateDirectory`, but "" or "." means the root.
    static func validateReadDirectory(_ path: String) throws(GitStoreError) -> String {
        if path.isEmpty || path == "." || path == "/" { return "" }
        return try validateDirectory(path)
    }

    /// Whether `path` is `directory` itself or lies under it.
    static func path(_ path: String, isInside directory: String) -> Bool {
        path == directory || path.hasPrefix(directory + "/")
    }

    /// The proper ancestors of a path: "a/b/c" gives ["a", "a/b"].
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            result.append(String(current))
        }
        return result.reversed()
    }
}
