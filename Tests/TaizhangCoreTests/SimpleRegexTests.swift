import Foundation
import Testing

@testable import TaizhangCore

/// `validate` checks plain evidence-hint patterns without ICU; ICU must agree with every yes.
struct SimpleRegexTests {
    /// Patterns the quick check accepts: each must also compile in ICU, as the matcher compiles it.
    static let plain = [
        #"^(\d{4})年?(\d{1,2})月.*(四术|计免)"#, #"^(\d{4})年?(\d{1,2})月.*PADIS"#, "会议纪要", "a.b", "^$", "(a|b)c", "a|b|c",
        #"\d+\s*\w?"#, #"\D\S\W\bx\B"#, #"x{2}y{2,}z{0,3}"#, #"[abc]"#, #"[^0-9a-f]"#, #"[\d\s_]+"#, #"[\]\-]"#, #"\.\*\+\?\(\)\[\]\{\}\|\^\$\\"#,
        #"\/\-\#\<\>\:\!"#, "a#b c", "(((x)))", "(a)(b)?", "[一-龥]+", "第[0-9]{1,3}期", "^[A-Z]{2}-[0-9]{4}$", "(年度|季度)报告",
    ]

    /// Patterns it leaves to ICU, valid or not.
    static let notPlain = [
        #"^(\d{4}年(\d{1,2})月"#, "a**", "a*?", "a++", "*a", "+", "?", "a{2,1}", "a{", "a{x}", "a}", "]", "[]", "[^]", "[a", "(", ")",
        "()", "(?:a)", "(?i)a", "a||b", "|a", "a|", "(|a)", "(a|)", #"\1"#, #"\p{Han}"#, #"\u4e00"#, #"\"#, "[[a]]", "[a&&b]",
        "[:alpha:]", "[z-a]", "^*", "$+", #"\b*"#, "a{12345}", "[a-z-0]", "[a$]", "[a{]", "[a-]", "[-a]", #"a\ b"#,
    ]

    @Test(arguments: plain)
    func plainPatternsArePlainAndCompileInICU(_ pattern: String) {
        #expect(SimpleRegex.isPlainlyValid(pattern))
        #expect((try? EvidenceHint.compile(pattern)) != nil)
    }

    @Test(arguments: notPlain)
    func otherPatternsAreLeftToICU(_ pattern: String) {
        #expect(!SimpleRegex.isPlainlyValid(pattern))
    }
}
