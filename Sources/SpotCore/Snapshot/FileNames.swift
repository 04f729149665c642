/// Cloud-supplied names as file names: every character outside `A-Z a-z 0-9 . _ -` is
/// percent-encoded (UTF-8 bytes, upper-case hex), and so is a leading dot, so that a host name can
/// never traverse paths, hide a file, or collide with another host's file.
public enum SafeFileName {
    public static func encode(_ name: String) -> String {
        var out = ""
        for (index, byte) in name.utf8.enumerated() {
            let isSafe = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x5F || byte == 0x2D || (byte == 0x2E && index > 0)
            if isSafe {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out.isEmpty ? "%00" : out
    }

    /// The name a file name stands for; nil when it is not one `encode` writes.
    public static func decode(_ fileName: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(fileName.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        if bytes == [0] { return "" }
        let name = String(decoding: bytes, as: UTF8.self)
        return encode(name) == fileName ? name : nil
    }
}
