public enum SpotVersion {
    public static let current = "0.1.0"
}
