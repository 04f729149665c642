import SpotAPI
import SpotCore

/// SpotSite renders the static dashboard and the static API from SpotCore's derived views.
public enum SpotSite {
    /// A text as the templates write a `{{value}}`: HTML-escaped (`& < > " '`).
    public static func htmlEscaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        TemplateLibrary.escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every form a text from the cloud can take in the site's files, made by the encoders that
    /// write them: HTML-escaped in pages, JSON in the static API and the search index (and JSON
    /// inside an HTML attribute), the file-name form in page and API paths, and that form again
    /// with its `%` encoded in links. The secret scan searches all of them.
    public static func textForms(_ text: String) -> [String] {
        let json = SeedAPI.jsonString(text)
        let fileName = SafeFileName.encode(text)
        return [htmlEscaped(text), json, htmlEscaped(json), fileName, PageBuilder.href(fileName)]
    }
}
