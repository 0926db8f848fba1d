import Synchronization

/// A view model whose rendered bytes one person's next render may reuse (the items page's rows):
/// `hasSameFields` compares every field a template can look up (generated with the lookup, so a
/// new field is never forgotten).
package protocol PageFragmentSource: PageLookup, Sendable {
    func hasSameFields(as other: any PageFragmentSource) -> Bool
}

/// One session's rendered fragments from its previous render (`TemplateSet.render(_:page:fragments:)`).
///
/// An element of a list is copied from the previous render of that list (same compiled
/// template, same section) at the same position, and only when every field of its view model
/// and every name it looked up outside itself (the CSRF token, the filter's query, … and names it
/// did not find) are the same as then; else it is rendered afresh. Only the fragments of the
/// latest render are kept, at most `maximumBytes`. Never share one between people or
/// sessions: the bytes hold what that person may see and do.
package final class PageFragments: Sendable {
    /// The most bytes of fragments kept (a render past it keeps no more).
    package static let maximumBytes = 1 << 20
    private let state = Mutex<(lists: [FragmentList: [FragmentEntry?]], reused: Int, checks: Int)>(([:], 0, 0))

    package init() {}

    var lists: [FragmentList: [FragmentEntry?]] { state.withLock { $0.lists } }

    func keep(_ render: FragmentRender) { state.withLock { $0 = (render.next, render.reused, render.checks) } }

    /// The bytes kept (tests, bounds).
    package var byteCount: Int { state.withLock { $0.lists.values.joined().reduce(0) { $0 + ($1?.bytes.count ?? 0) } } }
    /// How many fragments the last render copied (tests).
    package var reused: Int { state.withLock { $0.reused } }
    /// How many times the last render looked up a kept fragment's outside names (tests: once
    /// per list when they are the same for every row).
    package var checks: Int { state.withLock { $0.checks } }
}

/// A list section of one compiled template.
struct FragmentList: Hashable, Sendable {
    let program: ObjectIdentifier
    let section: Int
}

/// A class: the lists hold and copy it with one reference.
final class FragmentEntry: Sendable {
    /// Held, so that its address is not reused by another template while this entry lives.
    let program: PageTemplate.Program
    let element: any PageFragmentSource
    let outside: Outside
    let bytes: [UInt8]

    init(program: PageTemplate.Program, element: any PageFragmentSource, outside: Outside, bytes: [UInt8]) {
        (self.program, self.element, self.outside, self.bytes) = (program, element, outside, bytes)
    }

    /// A value a fragment can compare: text, number, flag or nothing.
    enum Scalar: Equatable, Sendable {
        case text(String), number(Int), flag(Bool), missing

        init?(_ value: PageValue) {
            switch value {
            case .text(let text): self = .text(text)
            case .number(let number): self = .number(number)
            case .flag(let flag): self = .flag(flag)
            case .missing: self = .missing
            case .object, .list, .objects: return nil
            }
        }
    }

    /// A name looked up outside the fragment's view model, with what it gave.
    struct Name: Equatable, Sendable {
        let path: [PageKey]
        let value: Scalar
    }

    /// The names a fragment looked up outside itself; one object for the elements of a list
    /// that looked up the same names with the same values.
    final class Outside: Sendable {
        let names: [Name]

        init(_ names: [Name]) { self.names = names }

        func isCurrent(in stack: PageTemplate.Contexts) -> Bool {
            names.allSatisfy { name in
                let (current, _) = name.path.withUnsafeBufferPointer { PageTemplate.lookup($0, in: stack) }
                return Scalar(current) == name.value
            }
        }
    }
}

/// The fragments a render may reuse and those it keeps for the next one.
struct FragmentRender {
    let previous: [FragmentList: [FragmentEntry?]]
    var next: [FragmentList: [FragmentEntry?]] = [:]
    var bytes = 0
    var reused = 0
    var checks = 0

    /// Whether `count` more bytes stay within `PageFragments.maximumBytes` (then counted).
    mutating func fits(_ count: Int) -> Bool {
        guard bytes + count <= PageFragments.maximumBytes else { return false }
        bytes += count
        return true
    }
}
