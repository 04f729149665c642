/// How secrets appear when they must appear at all (SPEC section 10): passwords never; API keys as
/// their first four characters, `***` and their last four when 24 characters or longer, else
/// `***_KEY`.
public enum SecretMask {
    public static func apiKey(_ key: String) -> String {
        guard key.count >= 24 else { return "***_KEY" }
        return "\(key.prefix(4))***\(key.suffix(4))"
    }
}
