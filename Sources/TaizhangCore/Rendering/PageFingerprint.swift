import Crypto
import Foundation

/// What a generated page is made of, so an unchanged page need not be rendered again: the
/// bytes of its template (and the partials it includes), the page's whole view model, and the
/// program that renders it. The manifest keeps one fingerprint per page; `generate` skips a
/// page whose fingerprint and file are as the last run left them.
///
/// Generic over pages: every view model in `PageModels.swift` gets its `PageFingerprintable`
/// conformance from `Scripts/generate-mustache-lookups.py`, with every field the template can
/// see, so a new page kind or field is covered by rerunning the script (a test fails while
/// the generated file is stale).
public struct PageFingerprint: Sendable {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    /// Lower-case hex SHA-256 of the fed values (32 characters: the first 128 bits).
    var digest: String {
        var text = ""
        text.reserveCapacity(32)
        for byte in SHA256.hash(data: bytes).prefix(16) {
            text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return text
    }

    /// A value, framed by its length so that ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            add(length: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func add(_ value: Int) { add(length: value) }
    mutating func add(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func add(_ value: Double) { add(length: Int(truncatingIfNeeded: value.bitPattern)) }
    mutating func add(_ value: [UInt8]) {
        add(length: value.count)
        bytes.append(contentsOf: value)
    }

    mutating func add<Value: PageFingerprintable>(_ value: Value) { value.fingerprint(into: &self) }

    mutating func add<Value: PageFingerprintable>(_ value: Value?) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        value.fingerprint(into: &self)
    }

    mutating func add<Value: PageFingerprintable>(_ values: [Value]) {
        add(length: values.count)
        for value in values { value.fingerprint(into: &self) }
    }

    private mutating func add(length: Int) {
        withUnsafeBytes(of: UInt64(bitPattern: Int64(length)).littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The version of the rendering engine: bump it when the same template and view model
    /// render to other bytes (escaping, lookups), so every page is rendered once more. A
    /// constant, not the program's identity, so that packs stay byte-identical between builds.
    static let engine: [UInt8] = Array("taizhang-pages-1".utf8)
}

/// A value that feeds everything a template could show of it into a `PageFingerprint`.
protocol PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint)
}

extension String: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}

extension Int: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}

extension Bool: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}

extension Double: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}

extension Optional: PageFingerprintable where Wrapped: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}

extension Array: PageFingerprintable where Element: PageFingerprintable {
    func fingerprint(into fingerprint: inout PageFingerprint) { fingerprint.add(self) }
}
