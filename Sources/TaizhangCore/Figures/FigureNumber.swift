import Foundation

/// Reads a reported number the way officials write it.
///
/// Accepted: `1479`, `92.59`, thousands separators in groups of three (`1,479`, `126,696.5`),
/// and a trailing `%` on rates. Refused with a reason: empty text, full-width digits or
/// punctuation (`１４７９`, `1，479`: an input-method slip that a reader cannot see, so the tool
/// asks for half-width digits rather than guessing), misplaced separators (`14,79`), signs, and
/// anything else that is not a number.
public enum FigureNumber {
    public struct Parsed: Equatable, Sendable {
        public var value: Double
        /// Digits after the decimal point as written.
        public var decimals: Int

        public init(value: Double, decimals: Int) {
            self.value = value
            self.decimals = decimals
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case fullWidth(suggestion: String)
        case misplacedSeparator
        case negative
        case percentNotAllowed
        case tooLarge
        case notANumber

        /// Stable diagnostic id.
        public var id: String {
            switch self {
            case .empty: "figures.empty-value"
            case .fullWidth: "figures.full-width"
            case .misplacedSeparator: "figures.bad-separator"
            case .negative: "figures.negative"
            case .percentNotAllowed: "figures.bad-percent"
            case .tooLarge: "figures.too-large"
            case .notANumber: "figures.not-a-number"
            }
        }
    }

    private static func isPrintableASCII(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte > 0x20 && byte < 0x7F
    }

    public static func parse(_ raw: String, percentAllowed: Bool) -> Result<Parsed, Problem> {
        // Foundation's trimming goes through NSString; a value that starts and ends with a
        // printable ASCII character other than a space has nothing to trim.
        var text = isPrintableASCII(raw.utf8.first) && isPrintableASCII(raw.utf8.last) ? raw : raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .failure(.empty) }
        if text.unicodeScalars.contains(where: isFullWidth) {
            return .failure(.fullWidth(suggestion: String(String.UnicodeScalarView(text.unicodeScalars.map(halfWidth)))))
        }
        if text.hasSuffix("%") {
            guard percentAllowed else { return .failure(.percentNotAllowed) }
            text = String(text.dropLast()).trimmingCharacters(in: .whitespaces)
        }
        if text.hasPrefix("-") || text.hasPrefix("+") {
            return Double(text.dropFirst().replacingOccurrences(of: ",", with: "")) == nil ? .failure(.notANumber) : .failure(.negative)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") })
        else { return .failure(.notANumber) }
        let fraction = parts.count == 2 ? parts[1] : ""
        if parts.count == 2 && (fraction.isEmpty || fraction.contains(",")) {
            return .failure(fraction.contains(",") ? .misplacedSeparator : .notANumber)
        }
        if whole.contains(",") {
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
            guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return .failure(.misplacedSeparator)
            }
        }
        let digits = whole.contains(",") ? whole.replacingOccurrences(of: ",", with: "") : String(whole)
        var number = digits
        if !fraction.isEmpty {
            // Appending the Substring directly: `"." + fraction` is a generic `+` (conformance scan on first use).
            number += "."
            number.append(contentsOf: fraction)
        }
        guard let value = Double(number) else {
            return .failure(.notANumber)
        }
        // Keeps every figure exact in a Double and printable without overflow.
        guard value < largest, fraction.count <= 6 else { return .failure(.tooLarge) }
        return .success(Parsed(value: value, decimals: fraction.count))
    }

    /// Figures stay below 10^15 (a city's population in fen would still fit).
    static let largest = 1e15

    /// Full-width digits, comma, full stop, percent and minus (U+FF05, U+FF0C–FF0E, U+FF10–FF19), and the ideographic full stop.
    static func isFullWidth(_ s: Unicode.Scalar) -> Bool {
        (0xFF10...0xFF19).contains(s.value) || [0xFF05, 0xFF0C, 0xFF0D, 0xFF0E, 0x3002].contains(s.value)
    }

    static func halfWidth(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value == 0x3002 { return "." }
        guard (0xFF01...0xFF5E).contains(s.value), let half = Unicode.Scalar(s.value - 0xFEE0) else { return s }
        return half
    }

    /// Rounded half away from zero to `decimals` places, as reports round.
    public static func rounded(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<max(0, min(decimals, 6)) { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// Digits needed after the point to print a limit such as 95 or 0.5 (at most six).
    public static func decimals(of value: Double) -> Int {
        var places = 0
        var scaled = value
        while places < 6 && abs(scaled - scaled.rounded()) > 1e-9 {
            scaled *= 10
            places += 1
        }
        return places
    }

    /// `1349`, `92.59`: a number with a fixed count of decimals (at most six), no separators.
    public static func format(_ value: Double, decimals: Int) -> String {
        let places = max(0, min(decimals, 6))
        var rounded = self.rounded(value, decimals: places)
        if rounded == 0 { rounded = 0 }  // no "-0"
        return String(format: "%.\(places)f", rounded)
    }
}

extension FigureNumber.Problem {
    /// What is wrong, for a diagnostic about `text`.
    public func message(_ text: String) -> String {
        let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .empty:
            return "the value is empty; write the number, or leave the figure out if it is not reported"
        case .fullWidth(let suggestion):
            return "\"\(shown)\" contains full-width characters; write half-width digits: \(suggestion)"
        case .misplacedSeparator:
            return "\"\(shown)\" has a misplaced thousands separator; write 1479 or 1,479"
        case .negative:
            return "\"\(shown)\" is negative; figures are counts, amounts or rates and never below zero"
        case .percentNotAllowed:
            return "\"\(shown)\" ends in %, but the figure is not a rate; write the number only"
        case .tooLarge:
            return "\"\(shown)\" is too large or too precise for a figure (below 10^15, at most six decimals)"
        case .notANumber:
            return "\"\(shown)\" is not a number"
        }
    }
}
