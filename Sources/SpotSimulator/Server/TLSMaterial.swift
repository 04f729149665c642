import Foundation
import NIOSSL

/// A certificate authority and a server certificate for 127.0.0.1 and localhost, made at start with
/// Debian's `openssl` so that clients' CA-bundle handling can be tested against HTTPS.
struct TLSMaterial {
    /// The CA certificate (PEM) clients trust: pass it as `OS_CACERT` or a CA bundle.
    let caFile: URL
    let configuration: TLSConfiguration

    static func make(in directory: URL) throws -> TLSMaterial {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let extensions = "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        try extensions.write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "7",
                     "-subj", "/CN=spotctl simulator CA", "-keyout", path("ca.key"), "-out", path("ca.pem")])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", "/CN=127.0.0.1", "-keyout", path("server.key"), "-out", path("server.csr")])
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "7", "-extfile", path("server.ext"), "-out", path("server.pem")])
        let chain = try NIOSSLCertificate.fromPEMFile(path("server.pem")).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: path("server.key"), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        return TLSMaterial(caFile: directory.appendingPathComponent("ca.pem"), configuration: configuration)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SimulatorError("--tls needs /usr/bin/openssl (Debian's openssl package): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SimulatorError("openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
