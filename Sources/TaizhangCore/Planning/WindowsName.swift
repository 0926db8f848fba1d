/// File and folder names that are valid on Windows and on FAT/exFAT USB sticks.
///
/// The rules: none of `< > : " / \ | ? *` or control characters; no trailing dot or space; not
/// a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with or without extension).
public enum WindowsName {
    static let forbidden: Set<Character> = ["<", ">", ":", "\"", "/", "\\", "|", "?", "*"]
    static let reserved: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        for n in 1...9 { names.insert("COM\(n)"); names.insert("LPT\(n)") }
        for n in ["¹", "²", "³"] { names.insert("COM\(n)"); names.insert("LPT\(n)") }
        return names
    }()

    /// Whether `name` is a device name such as `CON` or `com1.txt`.
    public static func isReserved(_ name: String) -> Bool {
        // Every reserved name starts with C, P, A, N or L. A name whose first character after
        // leading spaces is any other ASCII byte cannot be one; skip the split and upper-casing.
        if let first = name.unicodeScalars.first(where: { $0 != " " }) {
            if first.isASCII {
                if !reservedInitials.contains(UInt8(first.value) | 0x20) { return false }
            } else if !first.properties.changesWhenUppercased {
                // Upper-casing keeps this scalar first (a Chinese character, say), and no
                // reserved name starts with anything but an ASCII letter: skip the split and the
                // upper-casing of the whole name, which `validate` paid for every Chinese name.
                return false
            }
        }
        let stem = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
        return reserved.contains(stem.trimming(" ").uppercased())
    }

    /// Whether a user-given name would step outside its folder (`..`, `a/b`, `C:\x`, `/etc`).
    public static func escapesFolder(_ name: String) -> Bool {
        // Byte scans first: this runs for every name of a workspace in `validate`. A slash or
        // backslash byte is a separator to the file system even when a combining mark follows
        // it (Foundation's `contains` did not find "/" in "a/\u{301}b"). Trimming only removes
        // spaces and tabs, so the result can be "." or ".." only if every byte is one of those
        // three; a drive letter needs a ":".
        let bytes = name.utf8
        if bytes.contains(UInt8(ascii: "/")) || bytes.contains(UInt8(ascii: "\\")) { return true }
        if bytes.allSatisfy({ $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            let trimmed = name.trimming(" \t")
            if trimmed == "." || trimmed == ".." { return true }
        }
        guard bytes.contains(UInt8(ascii: ":")) else { return false }
        let scalars = Array(name.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return true }
        return false
    }

    /// Characters that hide or reorder text: bidirectional controls (U+202E makes "fdp.exe"
    /// look like "exe.pdf"), zero-width characters, U+0085 and the other C1 controls.
    public static func isInvisibleOrReordering(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x80...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0x061C, 0xFEFF: return true
        default: return false
        }
    }

    /// Whether `name` can be used as it is.
    public static func isValid(_ name: String) -> Bool {
        isPlainlyValid(name) || sanitize(name) == name
    }

    /// The first letters of the reserved names, lower-cased.
    static let reservedInitials: Set<UInt8> = Set("cpanl".utf8)

    /// A quick sufficient test for `sanitize(name) == name`, on scalars: no forbidden or control
    /// scalar at all (a forbidden `Character` is a single such scalar), no space first, no dot or
    /// space last, not empty and not reserved. When it says no, `sanitize` decides.
    static func isPlainlyValid(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, first != " ", last != ".", last != " " else { return false }
        for scalar in scalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F { return false }
            if value < 0x80, forbiddenBytes.contains(UInt8(value)) { return false }
        }
        return !isReserved(name)
    }

    static let forbiddenBytes: Set<UInt8> = Set("<>:\"/\\|?*".utf8)

    /// A valid name as close to `name` as possible: forbidden characters become `_`, control
    /// characters are dropped, trailing dots and spaces are trimmed, reserved names get a `_`
    /// suffix, and an empty result becomes `_`. Deterministic.
    public static func sanitize(_ name: String) -> String {
        var result = ""
        for character in name {
            if forbidden.contains(character) {
                result.append("_")
            } else if character.unicodeScalars.allSatisfy({ $0.value < 0x20 || $0.value == 0x7F }) {
                continue
            } else {
                result.append(character)
            }
        }
        while let last = result.last, last == "." || last == " " { result.removeLast() }
        while let first = result.first, first == " " { result.removeFirst() }
        if result.isEmpty { return "_" }
        if isReserved(result) {
            if let dot = result.firstIndex(of: ".") {
                result.insert("_", at: dot)
            } else {
                result.append("_")
            }
        }
        return result
    }

    /// `sanitize`, then cut to at most `maxLength` characters (UTF-16 units, as Windows counts),
    /// never splitting a character, trimming again afterwards.
    public static func sanitize(_ name: String, maxLength: Int) -> String {
        var result = sanitize(name)
        while result.utf16.count > maxLength, !result.isEmpty { result.removeLast() }
        while let last = result.last, last == "." || last == " " { result.removeLast() }
        return result.isEmpty ? "_" : result
    }
}
