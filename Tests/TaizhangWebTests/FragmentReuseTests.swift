import Foundation
import TaizhangCore
import TaizhangTestSupport
import TaizhangTracker
import Testing

@testable import TaizhangWeb

/// #15: a reload copies the rows that did not change from the session's previous render
/// (`PageFragments`). Every page rendered with them must be byte-identical to a fresh render,
/// whatever changed in between.
@Suite struct FragmentReuseTests {
    static func session(_ person: String, _ token: Character) -> WebSession {
        WebSession(person: person, csrf: String(repeating: token, count: 64), expires: Date(), lastUsed: Date())
    }

    /// Renders the items page with `fragments` and afresh, expects the same bytes, and answers
    /// how many rows were copied and how many there are.
    static func reload(
        _ f: WebFixture, _ renderer: WebRenderer, _ fragments: PageFragments, _ session: WebSession, query: String = "", flash: String? = nil
    ) throws -> (reused: Int, rows: Int) {
        let filter = ItemFilter(queryString: query)
        let page = try ItemsController.model(f.configuration, renderer: renderer, person: session.person, filter: filter, flash: flash)
        let reused = try renderer.bytes("web-items", title: "我的台账", page, session: session, fragments: fragments)
        let fresh = try renderer.bytes("web-items", title: "我的台账", page, session: session)
        let same = reused == fresh  // (not in #expect: it would print both pages)
        #expect(same, "\(session.person) \(query): differs from byte \(zip(reused, fresh).prefix { $0 == $1 }.count)")
        #expect(fragments.byteCount <= PageFragments.maximumBytes)
        return (fragments.reused, page.rows.count)
    }

    @Test func reusedRowsAreByteIdenticalToAFreshRenderAcrossChanges() throws {
        let (f, unitFolder) = try PackServingTests.fixture()
        let renderer = WebRenderer(templates: f.configuration.templates, street: f.tracker.workspace.street)
        let fragments = PageFragments()
        let lead = Self.session("p13", "a")

        var result = try Self.reload(f, renderer, fragments, lead)
        #expect(result.reused == 0 && result.rows > 10)
        result = try Self.reload(f, renderer, fragments, lead)
        #expect(result.reused == result.rows)  // nothing changed: every row copied
        // The CSRF token, the query and the names a row without a note, … looks up outside
        // itself: once per set, not for every row.
        #expect(fragments.checks <= 3)

        // A tick, a note, another person's tick, an undo: only that row is rendered again.
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13")
        result = try Self.reload(f, renderer, fragments, lead)
        #expect(result.reused == result.rows - 1)
        #expect(fragments.checks <= 3)
        try f.tracker.tick(item: "01.06", unit: "wutongshan", by: "p13", status: .filed, note: "已交<档案室>")
        #expect(try Self.reload(f, renderer, fragments, lead).reused == result.rows - 1)
        try f.tracker.tick(item: "01.07", unit: "wutongshan", by: "p03", note: "街道抽查")
        #expect(try Self.reload(f, renderer, fragments, lead).reused == result.rows - 1)
        try f.tracker.untick(item: "01.06", unit: "wutongshan", by: "p13")
        #expect(try Self.reload(f, renderer, fragments, lead).reused == result.rows - 1)
        #expect(fragments.checks <= 3)  // a row rendered again shares its names with the others

        // A file dropped into an item folder.
        let unitRoot = f.configuration.packRoot + "/" + unitFolder
        let fm = FileManager.default
        let binder = try #require(try fm.contentsOfDirectory(atPath: unitRoot).sorted().first { $0.hasPrefix("01 ") })
        let item = try #require(try fm.contentsOfDirectory(atPath: unitRoot + "/" + binder).sorted().first { $0.hasPrefix("01.") })
        try Data("%PDF-1.4 new".utf8).write(to: URL(fileURLWithPath: unitRoot + "/" + binder + "/" + item + "/新文件.pdf"))
        #expect(try Self.reload(f, renderer, fragments, lead).reused == result.rows - 1)

        // A message, another filter, another session's token, another person (other
        // permissions): every page still as fresh.
        #expect(try Self.reload(f, renderer, fragments, lead, flash: "已勾选").reused == result.rows)
        _ = try Self.reload(f, renderer, fragments, lead, query: "status=ticked")
        _ = try Self.reload(f, renderer, fragments, lead, query: "unit=wutongshan&scope=all")
        #expect(try Self.reload(f, renderer, fragments, Self.session("p13", "b")).reused == 0)  // the CSRF token is in every row
        _ = try Self.reload(f, renderer, fragments, Self.session("p03", "c"), query: "unit=wutongshan&scope=all")
        _ = try Self.reload(f, renderer, fragments, Self.session("p13", "c"), query: "unit=wutongshan&scope=all")
    }

    /// A template edited to show page-level names inside a row: the row depends on them, so a
    /// changed message renders every row again; another template never reuses the old bytes.
    @Test func rowsDependOnTheNamesTheyLookUpOutsideThemselves() throws {
        let f = try WebFixture()
        let directory = f.directory + "/templates"
        try FileManager.default.copyItem(atPath: Repository.templates, toPath: directory)
        let path = directory + "/web-items.mustache"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "<td class=\"code\">", with: "<td class=\"code\">{{flash}}{{#noneOfMine}}!{{/noneOfMine}}{{nowhere}}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let edited = try TemplateSet(directory: directory, required: WebConfiguration.webTemplates)
        let renderer = WebRenderer(templates: edited, street: f.tracker.workspace.street)
        let fragments = PageFragments()
        let lead = Self.session("p13", "a")
        let rows = try Self.reload(f, renderer, fragments, lead, flash: "一").rows
        #expect(try Self.reload(f, renderer, fragments, lead, flash: "一").reused == rows)
        #expect(try Self.reload(f, renderer, fragments, lead, flash: "二").reused == 0)

        // The shipped template, with the fragments of the edited one.
        let shipped = WebRenderer(templates: f.configuration.templates, street: f.tracker.workspace.street)
        #expect(try Self.reload(f, shipped, fragments, lead, flash: "二").reused == 0)
        #expect(try Self.reload(f, renderer, fragments, lead, flash: "二").reused == 0)
    }

    @Test func eachSessionHasItsOwnFragmentsAndTheirNumberIsBounded() {
        let store = SessionFragments()
        let one = store.fragments(for: Self.session("p13", "a"))
        #expect(store.fragments(for: Self.session("p13", "a")) === one)
        #expect(store.fragments(for: Self.session("p13", "b")) !== one)  // the same person in another session
        #expect(store.fragments(for: Self.session("p03", "a")) !== one)
        for index in 0..<(SessionFragments.capacity * 2) {
            _ = store.fragments(for: WebSession(person: "p13", csrf: "\(index)", expires: Date(), lastUsed: Date()))
        }
        #expect(store.count == SessionFragments.capacity)
        #expect(store.fragments(for: Self.session("p13", "a")) !== one)  // the least recently used went first
    }
}
