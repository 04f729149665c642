import Testing
import SpotSupport

/// What spotctl prints goes through `TerminalText.sanitized`: control characters are shown, not
/// obeyed; newlines and tabs stay.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("gpu-\u{1B}[31mred\u{1B}[0m", "gpu-^[[31mred^[[0m"),
        ("overwrite\rme", "overwrite^Mme"),
        ("title \u{1B}]0;pwned\u{07}", "title ^[]0;pwned^G"),
        ("nul\u{0}del\u{7F}", "nul^@del^?"),
        ("c1 csi \u{9B}31m", "c1 csi <U+009B>31m"),
        ("bidi \u{202E}txt.exe", "bidi <U+202E>txt.exe"),
        ("lines\nand\ttabs stay", "lines\nand\ttabs stay"),
        ("图形服务器 ÆØÅ é", "图形服务器 ÆØÅ é"),
        ("", ""),
    ])
    func controlCharactersAreShownNotObeyed(text: String, shown: String) {
        #expect(TerminalText.sanitized(text) == shown)
        #expect(!TerminalText.sanitized(text).unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x9B })
    }
}
