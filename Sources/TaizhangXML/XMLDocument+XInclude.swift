import CLibXML2
import Foundation
import TaizhangDiagnostics

extension XMLDocument {
    static let xincludeNamespaces: Set<String> = ["http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"]

    /// The most elements the expanded checklists may hold, counting every copy of a file that
    /// is included several times. Checked before libxml2 splices anything, so an include bomb
    /// (ten files each including the next ten times) is refused at once instead of filling memory.
    public static let maximumExpandedElements = 1_000_000
    /// The most source bytes the expanded checklists may hold, counted the same way.
    public static let maximumExpandedBytes = 128 * 1024 * 1024

    /// Expands `xi:include` elements, so a large catalogue can be split across files.
    ///
    /// Every referenced file must be a relative path inside `root` (also after resolving
    /// symbolic links; no `%`-escapes, no `xml:base`) and is parsed first with the same safe
    /// parser as the master file, so its errors carry its own name and line, and the size of
    /// the expansion is known before it happens. Only then does libxml2 splice it in.
    /// Afterwards every element knows which file and line it came from.
    /// Returns the diagnostics; on any error the document is left unexpanded.
    public func processXIncludes(within root: String) -> [Diagnostic] {
        var check = IncludeCheck(root: standardized(root), master: self)
        check.visit(self, path: standardized(file), stack: [])
        if check.diagnostics.hasErrors { return check.diagnostics }
        if let tooLarge = check.expansionLimitError(from: standardized(file)) { return check.diagnostics + [tooLarge] }

        let collector = ErrorCollector(fallbackFile: file)
        // libxml2 would parse the included files again, with one encoding rule for all of them.
        // When that rule is the one the pre-check applied to each file (all are UTF-8), the
        // pre-check's documents are spliced in instead, exactly as libxml2 would splice its own.
        let allUTF8 = check.files.keys.allSatisfy { check.utf8Files.contains($0) }
        let result: Int32
        if allUTF8, splice(check) {
            result = 0
        } else {
            let options = allUTF8 ? XMLLibrary.parseOptions | XMLLibrary.ignoreDeclaredEncoding : XMLLibrary.parseOptions
            result = withThreadErrors(collector, id: "xml.xinclude") {
                xmlXIncludeProcessFlags(doc, options)
            }
        }
        // Positions in included files are found in the text their pre-check parse read.
        for included in check.documents.values { sources.adopt(included.sources) }
        var diagnostics = check.diagnostics + collector.diagnostics
        if result < 0 && !diagnostics.hasErrors {
            diagnostics.append(.error("xml.xinclude", "XInclude processing failed", at: SourceLocation(file: file)))
        }
        mapIncludedNodes(check.files)
        return diagnostics
    }

    private func standardized(_ path: String) -> String {
        StandardPath.of(path)
    }

    /// What the pre-check learnt about one file: its includes in document order, the line of
    /// each of its own elements in document order (included content excluded), and its size.
    struct IncludedFile {
        var includes: [(target: String, location: SourceLocation, href: String)] = []
        var elementLines: [Int] = []
        var bytes = 0
    }

    /// Checks every `xi:include` (recursively) before libxml2 is let loose on them.
    struct IncludeCheck {
        let root: String
        let realRoot: String
        var files: [String: IncludedFile] = [:]
        var diagnostics: [Diagnostic] = []
        /// The included files as the pre-check parsed them, for `splice`.
        var documents: [String: XMLDocument] = [:]
        /// The files (master included) whose bytes are valid UTF-8.
        var utf8Files: Set<String> = []

        /// The document the includes are spliced into: included files share its names.
        let master: XMLDocument?

        init(root: String, master: XMLDocument? = nil) {
            self.root = root
            self.master = master
            realRoot = IncludeCheck.realPath(root) ?? root
        }

        static func realPath(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }

        static func isInside(_ path: String, _ folder: String) -> Bool {
            path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
        }

        mutating func visit(_ document: XMLDocument, path: String, stack: [String]) {
            var info = IncludedFile()
            info.bytes = document.byteCount
            // Recorded now so that a second include of this file is not visited again, and
            // filled in at the end: appending through the dictionary hashed the path per element.
            files[path] = info
            defer { files[path] = info }
            if document.isUTF8 ?? XMLDocument.isValidUTF8(file: path) { utf8Files.insert(path) }
            guard let top = document.root else { return }
            let stack = stack + [path]
            var pending = [top]
            while let element = pending.popLast() {
                if element.hasXMLBase {
                    diagnostics.append(.error("xml.xinclude-outside", "xml:base is not allowed in checklists (it would change where xi:include reads from)", at: element.location))
                }
                guard element.isNamed("include"), let ns = element.namespaceURI, XMLDocument.xincludeNamespaces.contains(ns) else {
                    info.elementLines.append(element.lineNumber)
                    element.appendChildrenReversed(to: &pending)
                    continue
                }
                guard let target = checkedTarget(of: element, in: path, stack: stack) else { continue }
                info.includes.append((target, element.location(ofAttribute: "href"), element.attribute("href") ?? ""))
                if files[target] != nil { continue }
                let parsed = XMLDocument.parse(file: target, sharingNamesWith: master)
                diagnostics += parsed.diagnostics
                if let included = parsed.document {
                    documents[target] = included
                    visit(included, path: target, stack: stack)
                } else {
                    files[target] = IncludedFile()
                }
            }
        }

        /// The standardized path an include points to, or nil with a diagnostic.
        mutating func checkedTarget(of element: XMLElement, in path: String, stack: [String]) -> String? {
            guard let href = element.attribute("href"), !href.isEmpty else {
                diagnostics.append(.error("xml.xinclude", "xi:include needs an href attribute", at: element.location))
                return nil
            }
            let hrefLocation = element.location(ofAttribute: "href")
            func refuse(_ id: String, _ message: String) -> String? {
                diagnostics.append(.error(id, message, at: hrefLocation))
                return nil
            }
            if let parse = element.attribute("parse"), parse != "xml" {
                return refuse("xml.xinclude", "xi:include parse=\"\(parse)\" is not supported; only XML files can be included")
            }
            if element.attribute("xpointer") != nil {
                return refuse("xml.xinclude", "xi:include with xpointer is not supported; include a whole file")
            }
            if href.contains("://") || href.hasPrefix("/") || href.hasPrefix("\\") || href.contains(":") {
                return refuse("xml.xinclude-outside", "xi:include href \"\(href)\" must be a relative path inside the workspace")
            }
            // libxml2 decodes %-escapes, so "%2e%2e" would be ".." to it and a folder name to us.
            if href.contains("%") {
                return refuse("xml.xinclude-outside", "xi:include href \"\(href)\" uses %-escapes; write the file name as it is")
            }
            let target = StandardPath.sibling(href, of: path)
            guard Self.isInside(target, root) else {
                return refuse("xml.xinclude-outside", "xi:include href \"\(href)\" points outside the workspace")
            }
            if stack.contains(target) {
                return refuse("xml.xinclude-cycle", "xi:include of \"\(href)\" includes itself")
            }
            guard FileManager.default.fileExists(atPath: target) else {
                return refuse("xml.xinclude-missing", "included file \"\(href)\" not found")
            }
            // Confine what the kernel will actually open: symbolic links resolved.
            guard let real = Self.realPath(target), Self.isInside(real, realRoot) else {
                return refuse("xml.xinclude-outside", "xi:include href \"\(href)\" points outside the workspace (through a symbolic link)")
            }
            return target
        }

        /// Adds up what each file expands to, deepest first, and reports the first include
        /// that takes a file past the limits.
        func expansionLimitError(from master: String) -> Diagnostic? {
            var expanded: [String: (elements: Int, bytes: Int)] = [:]
            var failure: Diagnostic?
            func size(of path: String) -> (elements: Int, bytes: Int) {
                if let known = expanded[path] { return known }
                let info = files[path] ?? IncludedFile()
                var total = (elements: info.elementLines.count, bytes: info.bytes)
                for include in info.includes {
                    let part = size(of: include.target)
                    if failure != nil { break }
                    total.elements += part.elements
                    total.bytes += part.bytes
                    if total.elements > XMLDocument.maximumExpandedElements || total.bytes > XMLDocument.maximumExpandedBytes {
                        let limit =
                            total.elements > XMLDocument.maximumExpandedElements
                            ? "\(XMLDocument.maximumExpandedElements) elements"
                            : "\(XMLDocument.maximumExpandedBytes / 1024 / 1024) MiB"
                        failure = .error(
                            "xml.xinclude-too-large",
                            "xi:include of \"\(include.href)\" makes the expanded checklists larger than \(limit); include fewer copies or split the files differently",
                            at: include.location)
                        break
                    }
                }
                expanded[path] = total
                return total
            }
            _ = size(of: master)
            return failure
        }
    }

    /// Expands every include with a copy of the content of the document the pre-check parsed
    /// for it, the way `xmlXIncludeProcessFlags` does with the documents it parses itself: each
    /// included file's own includes first, then the `xi:include` element becomes an
    /// XINCLUDE_START marker without children, an XINCLUDE_END marker follows it, and copies
    /// of the file's top-level nodes go between the two. Returns false, with nothing changed,
    /// when a file uses XInclude in a way left to libxml2 (an `xi:fallback`, an include with
    /// XInclude children or outside an element), or when the pre-check's record does not match.
    ///
    /// A file included once, whose document shares this one's names (`IncludeCheck.master`)
    /// and holds nothing that points into its own document (an `xml:` namespace, IDs), has
    /// its nodes moved instead of copied: copying and then freeing every node of the street
    /// file was a tenth of `validate`. The tree is the same (`movedNodesMakeTheSameTree`).
    func splice(_ check: IncludeCheck) -> Bool {
        let master = standardized(file)
        var sites: [String: [xmlNodePtr]] = [:]
        var uses: [String: Int] = [:]
        for (path, info) in check.files {
            guard let document = path == master ? doc : check.documents[path]?.doc,
                let found = XMLDocument.plainIncludes(of: document), found.count == info.includes.count
            else { return false }
            sites[path] = found
            for include in info.includes { uses[include.target, default: 0] += 1 }
        }
        var expanded: Set<String> = []
        func expand(_ path: String, in target: xmlDocPtr) {
            guard expanded.insert(path).inserted, let nodes = sites[path], let includes = check.files[path]?.includes else { return }
            for (node, include) in zip(nodes, includes) {
                guard let source = check.documents[include.target]?.doc else { continue }
                expand(include.target, in: source)
                var child = node.pointee.children
                while let current = child {
                    child = current.pointee.next
                    xmlUnlinkNode(current)
                    xmlFreeNode(current)
                }
                node.pointee.type = XML_XINCLUDE_START
                guard let end = xmlNewDocNode(target, node.pointee.ns, node.pointee.name, nil) else { continue }
                end.pointee.type = XML_XINCLUDE_END
                xmlAddNextSibling(node, end)
                let move =
                    uses[include.target] == 1 && source.pointee.dict != nil && source.pointee.dict == target.pointee.dict
                    && source.pointee.oldNs == nil && source.pointee.ids == nil
                var top = source.pointee.children
                while let current = top {
                    top = current.pointee.next
                    if current.pointee.type == XML_DTD_NODE { continue }
                    if move {
                        // xmlAddPrevSibling points the moved nodes at their new document.
                        xmlUnlinkNode(current)
                        xmlAddPrevSibling(end, current)
                        XMLDocument.stripIncludeMarkers(in: current)
                    } else if let copy = xmlDocCopyNode(current, target, 1) {
                        xmlAddPrevSibling(end, copy)
                    }
                }
            }
        }
        expand(master, in: doc)
        return true
    }

    /// Makes the include markers inside moved content what a copy makes of them: a copy
    /// (`xmlDocCopyNode`) keeps a marker's type and name but not its namespace, namespace
    /// declarations, attributes or line.
    static func stripIncludeMarkers(in first: xmlNodePtr) {
        var pending = [first]
        while let node = pending.popLast() {
            if node.pointee.type == XML_XINCLUDE_START || node.pointee.type == XML_XINCLUDE_END {
                if let properties = node.pointee.properties {
                    node.pointee.properties = nil
                    xmlFreePropList(properties)
                }
                node.pointee.ns = nil
                if let declarations = node.pointee.nsDef {
                    node.pointee.nsDef = nil
                    xmlFreeNsList(declarations)
                }
                node.pointee.line = 0
            }
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE || current.pointee.type == XML_XINCLUDE_START
                    || current.pointee.type == XML_XINCLUDE_END
                {
                    pending.append(current)
                }
                child = current.pointee.next
            }
        }
    }

    /// The `xi:include` elements of a document in document order, or nil when an XInclude
    /// element is anything else than an include inside an element with no XInclude children.
    static func plainIncludes(of document: xmlDocPtr) -> [xmlNodePtr]? {
        var found: [xmlNodePtr] = []
        func isXInclude(_ node: xmlNodePtr) -> Bool {
            guard let href = node.pointee.ns?.pointee.href else { return false }
            return xincludeNamespaces.contains(String(cString: href))
        }
        func walk(_ first: xmlNodePtr?) -> Bool {
            var node = first
            while let current = node {
                node = current.pointee.next
                guard current.pointee.type == XML_ELEMENT_NODE else { continue }
                guard isXInclude(current) else {
                    if !walk(current.pointee.children) { return false }
                    continue
                }
                guard xmlStrEqual(current.pointee.name, "include") != 0, current.pointee.parent?.pointee.type == XML_ELEMENT_NODE else { return false }
                var child = current.pointee.children
                while let inner = child {
                    if inner.pointee.type == XML_ELEMENT_NODE, isXInclude(inner) { return false }
                    child = inner.pointee.next
                }
                found.append(current)
            }
            return true
        }
        return walk(document.pointee.children) ? found : nil
    }

    /// Walks the expanded tree once, noting for each element which file and line it came from.
    ///
    /// libxml2 leaves XINCLUDE_START/END marker nodes around included content, but markers of
    /// nested includes lose their attributes when copied, so the n-th marker met inside a file
    /// is matched with the n-th include the pre-check found in that file (libxml2 processes
    /// includes in document order too). Copied nodes also lose line numbers above 65,535, so
    /// the n-th element of an included file takes the n-th line the pre-check recorded.
    private func mapIncludedNodes(_ included: [String: IncludedFile]) {
        locations = LocationCache()
        guard let rootNode = xmlDocGetRootElement(doc) else { return }
        /// One file being walked, with what the pre-check recorded for it (looked up once per
        /// include, not once per element).
        struct Frame {
            var file: Int
            var includes: [(target: String, location: SourceLocation, href: String)] = []
            var lines: [Int] = []
            var includesSeen = 0
            var elementsSeen = 0
        }
        var stack = [Frame(file: 0, includes: included[standardized(file)]?.includes ?? [])]
        var indexByPath: [String: Int] = [standardized(file): 0]
        files = [standardized(file)]
        func visit(_ first: xmlNodePtr?) {
            var node = first
            while let current = node {
                switch current.pointee.type {
                case XML_XINCLUDE_START:
                    let frame = stack[stack.count - 1]
                    stack[stack.count - 1].includesSeen += 1
                    let path = frame.includesSeen < frame.includes.count ? frame.includes[frame.includesSeen].target : files[frame.file]
                    let index: Int
                    if let known = indexByPath[path] {
                        index = known
                    } else {
                        index = files.count
                        files.append(path)
                        indexByPath[path] = index
                    }
                    stack.append(Frame(file: index, includes: included[path]?.includes ?? [], lines: included[path]?.elementLines ?? []))
                case XML_XINCLUDE_END:
                    if stack.count > 1 { stack.removeLast() }
                case XML_ELEMENT_NODE:
                    let top = stack.count - 1
                    if stack[top].file != 0 {
                        let seen = stack[top].elementsSeen
                        setOrigin(Origin(file: stack[top].file, line: seen < stack[top].lines.count ? stack[top].lines[seen] : nil), of: current)
                        stack[top].elementsSeen += 1
                    } else {
                        setOrigin(nil, of: current)
                    }
                    visit(current.pointee.children)
                default:
                    break
                }
                node = current.pointee.next
            }
        }
        visit(rootNode)
    }
}
