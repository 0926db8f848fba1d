/// A quick, sufficient test that an evidence hint's pattern compiles as an ICU regular
/// expression, without ICU.
///
/// `validate` used to compile every distinct `regex` hint with `NSRegularExpression`, and the
/// first compile sets up ICU's regex tables: about 1.4 ms of a 40 ms run, for patterns such as
/// `^(\d{4})年?(\d{1,2})月.*月报` that are plainly valid. This recognises a plain subset
/// (literals, `.`, `^`, `$`, `\d \s \w \b` and their negations, escaped punctuation, simple
/// bracket classes, capturing groups, alternation, and `* + ? {n} {n,} {n,m}` after an atom).
/// When it says yes, ICU compiles the pattern too (`simplePatternsCompileInICU` checks that);
/// when it says no, the caller asks ICU, which decides.
enum SimpleRegex {
    static func isPlainlyValid(_ pattern: String) -> Bool {
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        return parser.parse()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        /// `\d \D \s \S \w \W`. A switch, not a Set: a Set of scalars costs a scan of the
        /// runtime's conformance tables the first time, more than the whole check.
        static func isClassEscape(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "d", "D", "s", "S", "w", "W": true
            default: false
            }
        }

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func parse() -> Bool {
            var depth = 0
            /// Whether the previous token can take a quantifier.
            var quantifiable = false
            /// Whether the current alternative (since the start, `(` or `|`) is still empty.
            var emptyAlternative = true
            while let scalar = current {
                switch scalar {
                case "(":
                    index += 1
                    guard current != "?", current != ")" else { return false }
                    depth += 1
                    quantifiable = false
                    emptyAlternative = true
                    continue
                case ")":
                    guard depth > 0, !emptyAlternative else { return false }
                    depth -= 1
                    index += 1
                    quantifiable = true
                    emptyAlternative = false
                    continue
                case "|":
                    guard !emptyAlternative else { return false }
                    index += 1
                    guard let next = current, next != "|", next != ")" else { return false }
                    quantifiable = false
                    emptyAlternative = true
                    continue
                case "*", "+", "?", "{":
                    guard quantifiable, quantifier() else { return false }
                    // One quantifier per atom: `a*?` and `a++` are valid but rarer; ICU decides them.
                    if let next = current, next == "*" || next == "+" || next == "?" || next == "{" { return false }
                    quantifiable = false
                    continue
                case "^", "$":
                    index += 1
                    quantifiable = false
                case "\\":
                    index += 1
                    guard let escaped = current else { return false }
                    index += 1
                    if escaped == "b" || escaped == "B" {
                        quantifiable = false
                    } else if Self.isClassEscape(escaped) || Self.isEscapablePunctuation(escaped) {
                        quantifiable = true
                    } else {
                        return false
                    }
                case "[":
                    guard bracketClass() else { return false }
                    quantifiable = true
                case "]", "}":
                    return false
                default:
                    // `.` and literals.
                    index += 1
                    quantifiable = true
                }
                emptyAlternative = false
            }
            return depth == 0
        }

        /// ASCII punctuation stands for itself after a backslash.
        static func isEscapablePunctuation(_ scalar: Unicode.Scalar) -> Bool {
            guard scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F else { return false }
            return !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
        }

        /// `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` with n ≤ m, at most four digits each.
        mutating func quantifier() -> Bool {
            guard current == "{" else {
                index += 1
                return true
            }
            index += 1
            guard let low = number() else { return false }
            if current == "}" {
                index += 1
                return true
            }
            guard current == "," else { return false }
            index += 1
            if current == "}" {
                index += 1
                return true
            }
            guard let high = number(), low <= high, current == "}" else { return false }
            index += 1
            return true
        }

        mutating func number() -> Int? {
            var value = 0
            var digits = 0
            while let scalar = current, ("0"..."9").contains(scalar), digits < 4 {
                value = value * 10 + Int(scalar.value - 48)
                digits += 1
                index += 1
            }
            if let scalar = current, ("0"..."9").contains(scalar) { return nil }
            return digits > 0 ? value : nil
        }

        /// `[...]` or `[^...]` holding literals, escapes and ranges `a-z` with a ≤ z; no nested
        /// sets, POSIX classes, `&&`, `$` or leading, trailing or doubled `-`.
        mutating func bracketClass() -> Bool {
            index += 1
            if current == "^" { index += 1 }
            // `[:alpha:]` is a POSIX class to ICU.
            if current == ":" { return false }
            var members = 0
            /// The last member, when a literal that may start a range.
            var previous: Unicode.Scalar?
            while let scalar = current {
                switch scalar {
                case "]":
                    index += 1
                    return members > 0
                case "[", "&", "{", "}", "$":
                    return false
                case "\\":
                    index += 1
                    guard let escaped = current else { return false }
                    index += 1
                    if Self.isClassEscape(escaped) {
                        previous = nil
                    } else if Self.isEscapablePunctuation(escaped) {
                        previous = escaped
                    } else {
                        return false
                    }
                case "-":
                    index += 1
                    guard let low = previous, let high = current, high != "]", high != "-", high != "\\", high != "[", high != "&",
                        low.value <= high.value
                    else { return false }
                    index += 1
                    previous = nil
                default:
                    index += 1
                    previous = scalar
                }
                members += 1
            }
            return false
        }
    }
}
