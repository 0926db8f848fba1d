import Foundation

/// Decides which item folder an incoming file belongs to, from the items' evidence hints.
///
/// Scores: an exact name 100, a regular expression 50, all keywords of an `all` hint 30 plus
/// one per keyword, each keyword of an `any` hint 10 plus its length (a longer keyword is more
/// specific: 帮扶资金 says more than 发放). The best-scoring item wins; a tie at the
/// top, or no match at all, sends the file to 待分拣 (unsorted) with the candidates listed.
public struct EvidenceMatcher: Sendable {
    public struct Candidate: Sendable, Equatable {
        public var code: String
        public var title: String
        public var score: Int
        public var reasons: [String]
    }

    public enum Decision: Sendable, Equatable {
        case file(Candidate)
        case ambiguous([Candidate])
        case unmatched
    }

    public let items: [LedgerItem]
    /// Every `regex` hint compiled once, by pattern (`validate` rejects patterns that do not compile).
    private let regexes: [String: NSRegularExpression]

    public init(items: [LedgerItem]) {
        self.items = items
        var regexes: [String: NSRegularExpression] = [:]
        for hint in items.flatMap(\.hints) where hint.match == .regex && regexes[hint.text] == nil {
            regexes[hint.text] = try? EvidenceHint.compile(hint.text)
        }
        self.regexes = regexes
    }

    public func candidates(for fileName: String) -> [Candidate] {
        let stem = (fileName as NSString).deletingPathExtension
        let name = stem.lowercased()
        var result: [Candidate] = []
        for item in items {
            var score = 0
            var reasons: [String] = []
            for hint in item.hints {
                let words = hint.text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
                switch hint.match {
                case .exact:
                    if name == hint.text.lowercased() { score += 100; reasons.append("文件名与“\(hint.text)”完全一致") }
                case .regex:
                    if let regex = regexes[hint.text],
                        regex.firstMatch(in: stem, range: NSRange(stem.startIndex..., in: stem)) != nil
                    {
                        score += 50
                        reasons.append("文件名符合规则 \(hint.text)")
                    }
                case .all:
                    if !words.isEmpty, words.allSatisfy({ name.contains($0) }) {
                        score += 30 + words.count
                        reasons.append("文件名同时含“\(words.joined(separator: "”“"))”")
                    }
                case .any:
                    let hits = words.filter { name.contains($0) }
                    if !hits.isEmpty {
                        score += hits.reduce(0) { $0 + 10 + $1.count }
                        reasons.append("文件名含“\(hits.joined(separator: "”“"))”")
                    }
                }
            }
            if score > 0 { result.append(Candidate(code: item.code, title: item.title, score: score, reasons: reasons)) }
        }
        return result.sorted { ($1.score, $0.code) < ($0.score, $1.code) }
    }

    public func decide(_ fileName: String) -> Decision {
        let all = candidates(for: fileName)
        guard let best = all.first else { return .unmatched }
        let tied = all.filter { $0.score == best.score }
        return tied.count == 1 ? .file(best) : .ambiguous(tied)
    }
}
