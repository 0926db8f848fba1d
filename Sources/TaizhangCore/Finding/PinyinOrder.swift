import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Sorts Chinese words by pinyin without a pinyin table: GB2312's 3,755 level-1 characters
/// (every common character) are encoded in pinyin order, so comparing GB18030 bytes orders
/// them by pinyin; the rarer level-2 characters follow, by radical. The letter headings come
/// from the first code of each initial in that range.
public enum PinyinOrder {
    /// GB18030 bytes of `text` (nil when iconv cannot convert it).
    public static func key(_ text: String) -> [UInt8] {
        let converter = iconv_open("GB18030", "UTF-8")
        guard converter != iconv_t(bitPattern: -1) else { return Array(text.utf8) }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 8)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let written else { return Array(text.utf8) }
        return output.prefix(written).map { UInt8(bitPattern: $0) }
    }

    /// `words` in pinyin order (ties: by code point, so the order is total).
    public static func sorted(_ words: [String]) -> [String] {
        words.map { ($0, key($0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) || ($0.1 == $1.1 && $0.0 < $1.0) }.map(\.0)
    }

    /// First GB2312 code of each pinyin initial (I, U and V begin no syllable).
    static let initials: [(UInt16, Character)] = [
        (0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"), (0xB8C1, "G"), (0xB9FE, "H"),
        (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"), (0xC4C3, "N"), (0xC5B6, "O"), (0xC5BE, "P"), (0xC6DA, "Q"),
        (0xC8BB, "R"), (0xC8F6, "S"), (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"), (0xD1B9, "Y"), (0xD4D1, "Z"),
    ]

    /// The pinyin initial of the word's first character (`A`…`Z`), its letter for Latin
    /// letters, `#` otherwise (digits, rare characters).
    public static func letter(_ word: String) -> String {
        guard let first = word.first else { return "#" }
        if first.isASCII, first.isLetter { return first.uppercased() }
        let bytes = key(String(first))
        guard bytes.count == 2 else { return "#" }
        let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard code >= 0xB0A1, code < 0xD7FA else { return "#" }
        return String(initials.last { $0.0 <= code }?.1 ?? "#")
    }
}
