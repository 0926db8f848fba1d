import Synchronization

/// A value a page template can show: what a view model's typed lookup (`PageLookup`, generated
/// into `PageModels+Mustache.swift` and `WebViewModels+Mustache.swift`) answers for a name, with
/// no dynamic casts.
package enum PageValue {
    case text(String)
    case number(Int)
    case flag(Bool)
    case object(any PageLookup)
    case list([PageValue])
    /// A list of view models: its elements become `.object`s one at a time, as their section
    /// renders them (a `.list` of them boxed every row up front).
    case objects(PageObjects)
    case missing

    /// Mustache truthiness: missing, false and empty lists hide a section.
    var isFalsy: Bool {
        switch self {
        case .missing: true
        case .flag(let value): !value
        case .list(let values): values.isEmpty
        case .objects(let objects): objects.count == 0
        default: false
        }
    }
}

/// A list of view models as a template sees it: how many, and the element at an index as an
/// `.object`. The generated lookups make it with a closure over the array, specialized to the
/// element type. (A closure that looked up a field of `list[index]` copied the whole element
/// for every field; a view model that is a class is boxed with one retain.)
package struct PageObjects {
    package let count: Int
    let element: (Int) -> PageValue
    /// The element as a fragment source, when the view model is one (`PageFragmentSource`):
    /// a render with `PageFragments` may then reuse its earlier bytes.
    var fragment: ((Int) -> any PageFragmentSource)? = nil
}

/// A view model whose fields a page template can look up by name. Names are interned into
/// `PageKey`s once, when a template is compiled, and each generated lookup turns a key into its
/// field number through a table (`PageFields`): rendering compares no strings.
package protocol PageLookup {
    func value(for key: PageKey) -> PageValue
}

extension PageLookup {
    /// The value of the field `name` (tests; templates use keys).
    package func value(named name: String) -> PageValue { value(for: PageKey(name)) }
}

/// A field name, interned: the same name always has the same index in this process.
package struct PageKey: Sendable, Hashable {
    package let index: Int

    private static let names = Mutex<[String: Int]>([:])

    package init(_ name: String) {
        index = Self.names.withLock { names in
            if let index = names[name] { return index }
            names[name] = names.count
            return names.count - 1
        }
    }
}

/// One view model's field names by key: `ordinal(key)` is the field's position in the list the
/// table was made from, or -1. Made once per type (a global of the generated lookup file).
package struct PageFields: Sendable {
    private let ordinals: [Int16]

    package init(_ names: [String]) {
        let keys = names.map(PageKey.init)
        var ordinals = [Int16](repeating: -1, count: (keys.map(\.index).max() ?? -1) + 1)
        for (ordinal, key) in keys.enumerated() { ordinals[key.index] = Int16(ordinal) }
        self.ordinals = ordinals
    }

    package func ordinal(_ key: PageKey) -> Int {
        key.index < ordinals.count ? Int(ordinals[key.index]) : -1
    }
}

extension PageValue {
    package init(_ value: String) { self = .text(value) }
    package init(_ value: Int) { self = .number(value) }
    package init(_ value: Bool) { self = .flag(value) }
    package init(_ value: Double) { self = .text("\(value)") }
    package init(_ value: some PageLookup) { self = .object(value) }
    package init(objects count: Int, _ element: @escaping (Int) -> PageValue) { self = .objects(PageObjects(count: count, element: element)) }
    /// A list of view models whose rendered bytes a person's next render may reuse (`PageFragments`).
    package init(fragments count: Int, _ element: @escaping (Int) -> any PageFragmentSource) {
        self = .objects(PageObjects(count: count, element: { .object(element($0)) }, fragment: element))
    }
    // Optional fields of the common types without the generic initializer below: its
    // unspecialized call from another module was most of a web page's lookup time.
    package init(_ value: String?) { self = value.map(PageValue.text) ?? .missing }
    package init(_ value: Int?) { self = value.map(PageValue.number) ?? .missing }
    package init(_ value: Bool?) { self = value.map(PageValue.flag) ?? .missing }
    package init<Value>(_ value: Value?, _ wrap: (Value) -> PageValue) { self = value.map(wrap) ?? .missing }
    package init<Value>(_ values: [Value], _ wrap: (Value) -> PageValue) { self = .list(values.map(wrap)) }
}

/// A Mustache template compiled for the page models: the same output as swift-mustache for the
/// tags page templates use (variables, `{{{…}}}`/`{{&…}}`, sections, inverted sections,
/// comments, partials, dotted names, `.`, standalone lines), rendered straight into UTF-8 bytes
/// with typed lookups. Templates with anything else (set delimiters, pragmas, inheritance,
/// dynamic partials) are not compiled, and swift-mustache renders them.
struct PageTemplate: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        case variable([PageKey], escaped: Bool)
        case section([PageKey], inverted: Bool, [Node])
        case partial(String, indent: [UInt8])
    }

    /// The template as a flat program (`Program`): rendering walks it without copying nodes.
    private let program: Program
    /// The partials this template includes (directly).
    let partials: Set<String>
    /// The largest page rendered so far (up to 512 KB), reserved up front: growing a 119 KB
    /// items page from a small buffer copied it four times.
    private let largest = Largest()

    private final class Largest: Sendable {
        let bytes = Atomic<Int>(8192)
    }

    /// nil when the template uses a tag this engine leaves to swift-mustache, or does not parse.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let nodes = Self.parse(bytes) else { return nil }
        program = Program(nodes)
        var partials: Set<String> = []
        func collect(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .partial(let name, _): partials.insert(name)
                case .section(_, _, let children): collect(children)
                default: break
                }
            }
        }
        collect(nodes)
        self.partials = partials
    }

    private enum Tag {
        case variable(String, escaped: Bool)
        case open(String, inverted: Bool)
        case close(String)
        case comment
        case partial(String)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, isBlank(first) || first == 0x0A { slice.removeFirst() }
        while let last = slice.last, isBlank(last) || last == 0x0A { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    private static func parse(_ bytes: [UInt8]) -> [Node]? {
        // Flat tokens first (standalone lines removed), then the tree.
        var flat: [(tag: Tag?, text: [UInt8], indent: [UInt8])] = []
        var cursor = 0
        var index = 0
        let count = bytes.count
        while index + 1 < count {
            guard bytes[index] == 0x7B, bytes[index + 1] == 0x7B else {
                index += 1
                continue
            }
            let start = index
            var contentStart = index + 2
            var triple = false
            if contentStart < count, bytes[contentStart] == 0x7B {
                triple = true
                contentStart += 1
            }
            // Find the closing braces.
            var close = contentStart
            while close + 1 < count, !(bytes[close] == 0x7D && bytes[close + 1] == 0x7D) { close += 1 }
            guard close + 1 < count else { return nil }
            var end = close + 2
            if triple {
                guard end < count, bytes[end] == 0x7D else { return nil }
                end += 1
            }
            let content = bytes[contentStart..<close]
            let tag: Tag
            if triple {
                tag = .variable(trimmed(content), escaped: false)
            } else {
                let body = trimmed(content)
                guard let sigil = body.first else { return nil }
                let rest = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
                switch sigil {
                case "#": tag = .open(rest, inverted: false)
                case "^": tag = .open(rest, inverted: true)
                case "/": tag = .close(rest)
                case "!": tag = .comment
                case ">":
                    guard !rest.hasPrefix("*") else { return nil }
                    tag = .partial(rest)  // indented standalone partials are left to swift-mustache (below)
                case "&": tag = .variable(rest, escaped: false)
                case "=", "<", "$", "%", "{", "}": return nil
                default: tag = .variable(body, escaped: true)
                }
            }
            var isStandalone = false
            var lineStart = start, lineEnd = end
            if case .variable = tag {
            } else {
                while lineStart > 0, isBlank(bytes[lineStart - 1]) { lineStart -= 1 }
                while lineEnd < count, isBlank(bytes[lineEnd]) { lineEnd += 1 }
                let atLineStart = lineStart == 0 || bytes[lineStart - 1] == 0x0A
                let atLineEnd = lineEnd == count || bytes[lineEnd] == 0x0A
                isStandalone = atLineStart && atLineEnd && lineStart >= cursor
            }
            if case .partial = tag, !isStandalone || lineStart != start {
                return nil
            }
            if isStandalone {
                flat.append((nil, Array(bytes[cursor..<lineStart]), []))
                flat.append((tag, [], Array(bytes[lineStart..<start])))
                cursor = lineEnd < count ? lineEnd + 1 : count
            } else {
                flat.append((nil, Array(bytes[cursor..<start]), []))
                flat.append((tag, [], []))
                cursor = end
            }
            index = cursor
        }
        flat.append((nil, Array(bytes[cursor..<count]), []))

        // The tree: a stack of open sections.
        var stack: [(name: String, inverted: Bool, nodes: [Node])] = [("", false, [])]
        for (tag, text, indent) in flat {
            guard let tag else {
                if !text.isEmpty { stack[stack.count - 1].nodes.append(.text(text)) }
                continue
            }
            switch tag {
            case .variable(let name, let escaped):
                guard let path = path(name) else { return nil }
                stack[stack.count - 1].nodes.append(.variable(path, escaped: escaped))
            case .open(let name, let inverted):
                stack.append((name, inverted, []))
            case .close(let name):
                guard stack.count > 1, let open = stack.popLast(), open.name == name, let path = path(name) else { return nil }
                stack[stack.count - 1].nodes.append(.section(path, inverted: open.inverted, open.nodes))
            case .comment:
                break
            case .partial(let name):
                stack[stack.count - 1].nodes.append(.partial(name, indent: indent))
            }
        }
        guard stack.count == 1 else { return nil }
        return stack[0].nodes
    }

    /// `a.b.c` as components; `.` as an empty path (the current value).
    private static func path(_ name: String) -> [PageKey]? {
        if name == "." { return [] }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // Transforms (`first(items)`) are swift-mustache's.
        guard !name.isEmpty, !name.contains("("), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return parts.map(PageKey.init)
    }

    // MARK: Rendering

    /// The nodes flattened into operations that hold no references: a text is a range of one
    /// byte array, a name a range of one key array, a section the index after its end.
    /// Walking `[Node]` retained and released every node's payload on every row.
    final class Program: Sendable {
        struct Op {
            enum Kind: UInt8 { case text, escaped, raw, section, inverted, partial }
            var kind: Kind
            /// text: first byte; variable or section: first key; partial: index in `includes`.
            var start: Int32
            /// text: bytes; variable or section: keys (0: `.`).
            var count: Int32
            /// section: the operation after it.
            var end: Int32
        }

        struct Include: Sendable {
            var name: String
            var indent: [UInt8]
        }

        let ops: [Op]
        let text: [UInt8]
        let keys: [PageKey]
        let includes: [Include]

        init(_ nodes: [Node]) {
            var ops: [Op] = []
            var text: [UInt8] = []
            var keys: [PageKey] = []
            var includes: [Include] = []
            func keyRange(_ path: [PageKey]) -> (Int32, Int32) {
                defer { keys += path }
                return (Int32(keys.count), Int32(path.count))
            }
            func add(_ nodes: [Node]) {
                for node in nodes {
                    switch node {
                    case .text(let bytes):
                        ops.append(Op(kind: .text, start: Int32(text.count), count: Int32(bytes.count), end: 0))
                        text += bytes
                    case .variable(let path, let escaped):
                        let (start, count) = keyRange(path)
                        ops.append(Op(kind: escaped ? .escaped : .raw, start: start, count: count, end: 0))
                    case .section(let path, let inverted, let children):
                        let (start, count) = keyRange(path)
                        let index = ops.count
                        ops.append(Op(kind: inverted ? .inverted : .section, start: start, count: count, end: 0))
                        add(children)
                        ops[index].end = Int32(ops.count)
                    case .partial(let name, let indent):
                        ops.append(Op(kind: .partial, start: Int32(includes.count), count: 0, end: 0))
                        includes.append(Include(name: name, indent: indent))
                    }
                }
            }
            add(nodes)
            (self.ops, self.text, self.keys, self.includes) = (ops, text, keys, includes)
        }

        func render(stack: inout Contexts, partials: [String: PageTemplate], into out: inout [UInt8]) {
            ops.withUnsafeBufferPointer { ops in
                text.withUnsafeBufferPointer { text in
                    keys.withUnsafeBufferPointer { keys in
                        run(ops, text, keys, 0..<ops.count, stack: &stack, partials: partials, into: &out)
                    }
                }
            }
        }

        private func run(
            _ ops: UnsafeBufferPointer<Op>, _ text: UnsafeBufferPointer<UInt8>, _ keys: UnsafeBufferPointer<PageKey>, _ range: Range<Int>,
            stack: inout Contexts, partials: [String: PageTemplate], into out: inout [UInt8]
        ) {
            var index = range.lowerBound
            while index < range.upperBound {
                let op = ops[index]
                let start = Int(op.start)
                switch op.kind {
                case .text:
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<(start + Int(op.count))]))
                case .escaped, .raw:
                    switch PageTemplate.lookup(UnsafeBufferPointer(rebasing: keys[start..<(start + Int(op.count))]), in: &stack) {
                    case .text(let value): PageTemplate.append(value, escaped: op.kind == .escaped, to: &out)
                    case .number(let number): PageTemplate.append(number, to: &out)
                    case .flag(let flag): PageTemplate.append(flag ? "true" : "false", escaped: false, to: &out)
                    case .object, .list, .objects, .missing: break
                    }
                case .section, .inverted:
                    let value = PageTemplate.lookup(UnsafeBufferPointer(rebasing: keys[start..<(start + Int(op.count))]), in: &stack)
                    let children = (index + 1)..<Int(op.end)
                    let sectionIndex = index
                    index = Int(op.end)
                    if op.kind == .inverted {
                        if value.isFalsy { run(ops, text, keys, children, stack: &stack, partials: partials, into: &out) }
                        continue
                    }
                    switch value {
                    case .missing: break
                    case .flag(let flag): if flag { run(ops, text, keys, children, stack: &stack, partials: partials, into: &out) }
                    case .list(let values):
                        for element in values {
                            stack.push(element)
                            run(ops, text, keys, children, stack: &stack, partials: partials, into: &out)
                            stack.pop()
                        }
                    case .objects(let objects):
                        if let fragment = objects.fragment, stack.fragments != nil, stack.recording == nil {
                            renderFragments(objects.count, fragment, section: sectionIndex, children, ops, text, keys, stack: &stack, partials: partials, into: &out)
                            continue
                        }
                        for element in 0..<objects.count {
                            stack.push(objects.element(element))
                            run(ops, text, keys, children, stack: &stack, partials: partials, into: &out)
                            stack.pop()
                        }
                    default:
                        stack.push(value)
                        run(ops, text, keys, children, stack: &stack, partials: partials, into: &out)
                        stack.pop()
                    }
                    continue
                case .partial:
                    let include = includes[start]
                    guard let partial = partials[include.name] else { break }
                    if include.indent.isEmpty {
                        partial.program.render(stack: &stack, partials: partials, into: &out)
                    } else {
                        var inner: [UInt8] = []
                        partial.program.render(stack: &stack, partials: partials, into: &inner)
                        var atLineStart = true
                        for byte in inner {
                            if atLineStart { out.append(contentsOf: include.indent) }
                            out.append(byte)
                            atLineStart = byte == 0x0A
                        }
                    }
                }
                index += 1
            }
        }

        /// A list of fragment sources: each element is copied from the session's previous render
        /// of this list at the same position when its fields and every name it looked up outside
        /// itself are the same, else rendered, and kept with those names for the next render.
        private func renderFragments(
            _ count: Int, _ element: (Int) -> any PageFragmentSource, section: Int, _ children: Range<Int>, _ ops: UnsafeBufferPointer<Op>,
            _ text: UnsafeBufferPointer<UInt8>, _ keys: UnsafeBufferPointer<PageKey>, stack: inout Contexts, partials: [String: PageTemplate],
            into out: inout [UInt8]
        ) {
            let list = FragmentList(program: ObjectIdentifier(self), section: section)
            let previous = stack.fragments?.previous[list] ?? []
            var kept: [FragmentEntry?] = []
            kept.reserveCapacity(count)
            // The elements of one list look up a few sets of outside names (a row without a note
            // looks `note` up outside itself, as Mustache does), each with the same values: each
            // set is one object, checked once per render.
            var distinct: [FragmentEntry.Outside] = []
            var checked: [FragmentEntry.Outside] = []
            var reused = 0
            for index in 0..<count {
                let element = element(index)
                if index < previous.count, let entry = previous[index], entry.program === self, entry.element.hasSameFields(as: element),
                    checked.contains(where: { $0 === entry.outside }) || stack.check(entry.outside)
                {
                    if !checked.contains(where: { $0 === entry.outside }) {
                        checked.append(entry.outside)
                        distinct.append(entry.outside)
                    }
                    out.append(contentsOf: entry.bytes)
                    kept.append(stack.fragments?.fits(entry.bytes.count) == true ? entry : nil)
                    reused += 1
                    continue
                }
                let start = out.count
                (stack.recording, stack.uncomparable, stack.base) = ([], false, stack.objects.count)
                stack.push(.object(element))
                run(ops, text, keys, children, stack: &stack, partials: partials, into: &out)
                stack.pop()
                let names = stack.recording ?? []
                stack.recording = nil
                guard !stack.uncomparable, stack.fragments?.fits(out.count - start) == true else {
                    kept.append(nil)
                    continue
                }
                // Shared with the elements that looked up the same names with the same values.
                let outside: FragmentEntry.Outside
                if let known = distinct.first(where: { $0.names == names }) {
                    outside = known
                } else if let known = previous.lazy.compactMap({ $0?.outside }).first(where: { $0.names == names }) {
                    // The previous render's object (not one more each time a row changes).
                    outside = known
                    distinct.append(known)
                } else {
                    outside = FragmentEntry.Outside(names)
                    distinct.append(outside)
                }
                kept.append(FragmentEntry(program: self, element: element, outside: outside, bytes: Array(out[start...])))
            }
            stack.fragments?.next[list] = kept
            stack.fragments?.reused += reused
        }
    }

    /// Renders with `root` as the context; `partials` resolves `{{> name}}`. With `fragments`
    /// (one person's session), the elements of a list of `PageFragmentSource`s whose fields and
    /// outside names are the same as at that session's previous render are copied from it.
    func render(_ root: any PageLookup, partials: [String: PageTemplate], fragments: PageFragments? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(largest.bytes.load(ordering: .relaxed))
        var stack = Contexts()
        if let fragments { stack.fragments = FragmentRender(previous: fragments.lists) }
        stack.push(.object(root))
        program.render(stack: &stack, partials: partials, into: &out)
        largest.bytes.max(min(out.count, 1 << 19), ordering: .relaxed)
        if let fragments, let render = stack.fragments { fragments.keep(render) }
        return out
    }

    /// The contexts of the open sections, innermost last, and the view models among them kept
    /// apart: a lookup calls each view model where it is in `objects` (matching `.object` out
    /// of a `PageValue` copied the context for every name looked up).
    struct Contexts {
        var values: [PageValue] = []
        var objects: [any PageLookup] = []
        /// A render that may reuse fragments: the previous render's and this one's.
        var fragments: FragmentRender?
        /// While a fragment renders afresh: the names it looked up outside its own view model
        /// (below `base` in `objects`) with their values; nil when not recording.
        var recording: [FragmentEntry.Name]?
        var base = 0
        /// Set when a name outside the fragment gave a value that cannot be compared (a view
        /// model or list): that fragment is not kept.
        var uncomparable = false

        init() {
            values.reserveCapacity(8)
            objects.reserveCapacity(8)
        }

        mutating func push(_ value: PageValue) {
            if case .object(let object) = value { objects.append(object) }
            values.append(value)
        }

        mutating func pop() {
            if case .object = values.removeLast() { objects.removeLast() }
        }

        /// Whether the names a fragment looked up outside itself still give the same values.
        mutating func check(_ outside: FragmentEntry.Outside) -> Bool {
            fragments?.checks += 1
            return outside.isCurrent(in: self)
        }

        /// A name the recording fragment found outside itself (or nowhere), once.
        mutating func note(_ path: UnsafeBufferPointer<PageKey>, _ value: PageValue) {
            guard let scalar = FragmentEntry.Scalar(value) else {
                uncomparable = true
                return
            }
            guard recording?.contains(where: { $0.path.elementsEqual(path) }) == false else { return }
            recording?.append(FragmentEntry.Name(path: Array(path), value: scalar))
        }
    }

    /// The value of `path`; while a fragment records, a name found outside it (or nowhere) is noted.
    private static func lookup(_ path: UnsafeBufferPointer<PageKey>, in stack: inout Contexts) -> PageValue {
        let (value, depth) = lookup(path, in: stack)
        if stack.recording != nil, depth < stack.base { stack.note(path, value) }
        return value
    }

    /// The value of `path` and the position in `objects` where its first name was found (-1:
    /// nowhere; `Int.max` for `.`, the innermost context).
    static func lookup(_ path: UnsafeBufferPointer<PageKey>, in stack: Contexts) -> (PageValue, Int) {
        guard let first = path.first else { return (stack.values.last ?? .missing, Int.max) }
        var value = PageValue.missing
        var depth = -1
        stack.objects.withUnsafeBufferPointer { objects in
            var index = objects.count - 1
            while index >= 0 {
                let found = objects[index].value(for: first)
                if case .missing = found {
                    index -= 1
                    continue
                }
                value = found
                depth = index
                break
            }
        }
        for key in path.dropFirst() {
            guard case .object(let object) = value else { return (.missing, depth) }
            value = object.value(for: key)
        }
        return (value, depth)
    }

    /// Appends a number's decimal digits (no `String` made for it).
    static func append(_ number: Int, to out: inout [UInt8]) {
        if number < 0 { out.append(0x2D) }
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeMutableBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Appends `text` as UTF-8, HTML-escaping `& < > " '` as swift-mustache does.
    static func append(_ text: String, escaped: Bool, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            guard escaped else { return out.append(contentsOf: utf8) }
            // Bit n set: byte n is one escaped below. All five are below 64, so one shift and
            // test passes every other byte (all of a Chinese character's) without the switch.
            let special: UInt64 = 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
            var run = 0
            for (index, byte) in utf8.enumerated() {
                guard byte < 64, special & (1 << UInt64(byte)) != 0 else { continue }
                let replacement: StaticString
                switch byte {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: replacement = "&quot;"
                case 0x27: replacement = "&#39;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                run = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
    }
}
