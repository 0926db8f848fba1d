import CLibXML2
import Foundation
import TaizhangDiagnostics

extension XMLDocument {
    static let xincludeNamespaces: Set<String> = ["http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"]

    /// Expands `xi:include` elements, so a large catalogue can be split across files.
    ///
    /// Every referenced file must be a relative path inside `root` and is parsed first with the
    /// same safe parser as the master file, so its errors carry its own name and line. Only then
    /// does libxml2 splice it in. Afterwards every element knows which file it came from.
    /// Returns the diagnostics; on any error the document is left unexpanded.
    public func processXIncludes(within root: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        var targets: [String: [String]] = [:]
        checkIncludes(in: self, root: standardized(root), stack: [standardized(file)], seen: &seen, targets: &targets, diagnostics: &diagnostics)
        if diagnostics.hasErrors { return diagnostics }

        let collector = ErrorCollector(fallbackFile: file)
        let result = withThreadErrors(collector, id: "xml.xinclude") {
            xmlXIncludeProcessFlags(doc, XMLLibrary.parseOptions)
        }
        diagnostics += collector.diagnostics
        if result < 0 && !diagnostics.hasErrors {
            diagnostics.append(.error("xml.xinclude", "XInclude processing failed", at: SourceLocation(file: file)))
        }
        mapIncludedNodes(targets: targets)
        return diagnostics
    }

    private func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Checks every `xi:include` of `document` (recursively) before libxml2 is let loose on them.
    private func checkIncludes(in document: XMLDocument, root: String, stack: [String], seen: inout Set<String>, targets: inout [String: [String]], diagnostics: inout [Diagnostic]) {
        guard let top = document.root else { return }
        var pending = [top]
        while let element = pending.popLast() {
            let children = element.children
            pending.append(contentsOf: children.reversed())
            guard element.name == "include", let ns = element.namespaceURI, Self.xincludeNamespaces.contains(ns) else { continue }
            let location = element.location
            guard let href = element.attribute("href"), !href.isEmpty else {
                diagnostics.append(.error("xml.xinclude", "xi:include needs an href attribute", at: location))
                continue
            }
            let hrefLocation = element.location(ofAttribute: "href")
            if let parse = element.attribute("parse"), parse != "xml" {
                diagnostics.append(.error("xml.xinclude", "xi:include parse=\"\(parse)\" is not supported; only XML files can be included", at: hrefLocation))
                continue
            }
            if element.attribute("xpointer") != nil {
                diagnostics.append(.error("xml.xinclude", "xi:include with xpointer is not supported; include a whole file", at: hrefLocation))
                continue
            }
            if href.contains("://") || href.hasPrefix("/") || href.hasPrefix("\\") || href.contains(":") {
                diagnostics.append(.error("xml.xinclude-outside", "xi:include href \"\(href)\" must be a relative path inside the workspace", at: hrefLocation))
                continue
            }
            let including = URL(fileURLWithPath: stack.last ?? document.file).deletingLastPathComponent()
            let target = standardized(including.appendingPathComponent(href).path)
            guard target.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                diagnostics.append(.error("xml.xinclude-outside", "xi:include href \"\(href)\" points outside the workspace", at: hrefLocation))
                continue
            }
            if stack.contains(target) {
                diagnostics.append(.error("xml.xinclude-cycle", "xi:include of \"\(href)\" includes itself", at: hrefLocation))
                continue
            }
            guard FileManager.default.fileExists(atPath: target) else {
                diagnostics.append(.error("xml.xinclude-missing", "included file \"\(href)\" not found", at: hrefLocation))
                continue
            }
            targets[stack.last ?? document.file, default: []].append(target)
            if seen.contains(target) { continue }
            seen.insert(target)
            let parsed = XMLDocument.parse(file: target)
            diagnostics += parsed.diagnostics
            if let included = parsed.document {
                checkIncludes(in: included, root: root, stack: stack + [target], seen: &seen, targets: &targets, diagnostics: &diagnostics)
            }
        }
    }

    /// Walks the expanded tree once, noting for each element which file it came from.
    ///
    /// libxml2 leaves XINCLUDE_START/END marker nodes around included content, but markers of
    /// nested includes lose their attributes when copied, so the n-th marker met inside a file
    /// is matched with the n-th include that `checkIncludes` found in that file (libxml2
    /// processes includes in document order too).
    private func mapIncludedNodes(targets: [String: [String]]) {
        guard let rootNode = xmlDocGetRootElement(doc) else { return }
        struct Frame { var file: Int; var includesSeen = 0 }
        var stack = [Frame(file: 0)]
        var indexByPath: [String: Int] = [standardized(file): 0]
        files = [standardized(file)]
        func visit(_ first: xmlNodePtr?) {
            var node = first
            while let current = node {
                switch current.pointee.type {
                case XML_XINCLUDE_START:
                    let frame = stack[stack.count - 1]
                    let included = targets[files[frame.file]] ?? []
                    stack[stack.count - 1].includesSeen += 1
                    let path = frame.includesSeen < included.count ? included[frame.includesSeen] : files[frame.file]
                    let index: Int
                    if let known = indexByPath[path] {
                        index = known
                    } else {
                        index = files.count
                        files.append(path)
                        indexByPath[path] = index
                    }
                    stack.append(Frame(file: index))
                case XML_XINCLUDE_END:
                    if stack.count > 1 { stack.removeLast() }
                case XML_ELEMENT_NODE:
                    let index = stack[stack.count - 1].file
                    if index != 0 { nodeFiles[UnsafeMutableRawPointer(current)] = index }
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
