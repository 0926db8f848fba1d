#!/usr/bin/env python3
"""Writes the explicit Mustache lookups of the view models.

swift-mustache reflects every lookup through Mirror unless a type conforms to MustacheParent;
the lookups that avoid it are a `switch` over every property of every view-model struct. They
are generated from the model files so that a field added to a model is never forgotten:

    Scripts/generate-mustache-lookups.py          rewrite the lookup files
    Scripts/generate-mustache-lookups.py --check  print a diff and exit 1 when one is stale

Every `var` or `let` property (stored or computed, not static or private) of every struct
becomes a case; nested structs are named `Outer.Inner`. Comments in the model file steer it:

    // mustache: skip       on the line before a struct or a property: leave it out
    // mustache: fallback   on the line before a property holding another lookup: names this
                            type does not know are looked up in it (the property itself is not
                            a case)
    // mustache: fragment   on the line before a struct or class of the web models: it becomes
                            a PageFragmentSource comparing every field
                            (PageFragments.swift), and its lists are `PageValue(fragments:)`

Plain Python 3, no dependencies.
"""

import difflib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (model file, lookup file, header comment of the lookup file[, "fingerprint"][, "lookup"])
# Targets marked "fingerprint" also get a PageFingerprintable conformance feeding every field
# (PageFingerprint.swift): `generate` skips pages whose template and view model are unchanged.
# Targets marked "fingerprint" or "lookup" get the typed PageLookup of the PageTemplate engine.
TARGETS = [
    (
        "Sources/TaizhangCore/Rendering/PageModels.swift",
        "Sources/TaizhangCore/Rendering/PageModels+Mustache.swift",
        "Explicit field lookup for the view models: swift-mustache otherwise reflects every\n"
        "lookup through Mirror, which was more than half of generation time at city scale.\n"
        "The fingerprints feed every field, so an unchanged page is not rendered again.",
        "fingerprint",
    ),
    (
        "Sources/TaizhangCore/Walkthrough/WalkthroughPage.swift",
        "Sources/TaizhangCore/Walkthrough/WalkthroughPage+Mustache.swift",
        "Explicit field lookups (see PageModels+Mustache.swift for why).",
    ),
    (
        "Sources/TaizhangWeb/Views/WebViewModels.swift",
        "Sources/TaizhangWeb/Views/WebViewModels+Mustache.swift",
        "Explicit field lookup for the web view models, so no lookup goes through Mirror and a nil\n"
        "optional is absent (not printed as \"nil\"), and the typed lookup (PageLookup) with which\n"
        "the web pages render without dynamic casts.",
        "lookup",
    ),
]

STRUCT = re.compile(r"^\s*(?:(?:public|internal|fileprivate|private|final)\s+)*(?:struct|class)\s+(\w+)(<[^>{]*>)?")
PROPERTY = re.compile(r"^\s*((?:(?:public|internal|fileprivate|private|static|lazy|weak)\s+)*)(?:var|let)\s+(\w+)\s*:\s*([^={]+)")
DIRECTIVE = re.compile(r"^\s*//\s*mustache:\s*(.+?)\s*$")


def strip_code(line):
    """The line without string literals and `//` comments, for counting braces."""
    line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
    index = line.find("//")
    return line if index < 0 else line[:index]


class Model:
    def __init__(self, name, generics):
        self.name = name
        self.generics = generics
        self.cases = []  # (property name, expression)
        self.fallback = None  # (property, type)
        self.types = {}  # property name -> declared type
        self.skip = False
        self.fragment = False  # a PageFragmentSource


def parse(path):
    models = []
    stack = []  # (model or None, depth at which its body opens)
    depth = 0
    directives = []
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for line_number, line in enumerate(lines, 1):
        directive = DIRECTIVE.match(line)
        if directive:
            directives.append(directive.group(1))
            continue
        code = strip_code(line)
        struct = STRUCT.match(code)
        if struct and "{" in code:
            outer = [m.name for m, _ in stack if m is not None]
            model = Model(".".join(outer + [struct.group(1)]), struct.group(2))
            model.skip = "skip" in directives or any(m is not None and m.skip for m, _ in stack)
            for directive in directives:
                if directive == "fragment":
                    model.fragment = True
            models.append(model)
            stack.append((model, depth + 1))
            directives = []
        elif stack and stack[-1][1] == depth:
            prop = PROPERTY.match(code)
            if prop and not re.search(r"\b(static|private|fileprivate)\b", prop.group(1)):
                model = stack[-1][0]
                name, type_ = prop.group(2), prop.group(3).strip()
                if "skip" in directives:
                    pass
                elif "fallback" in directives:
                    if model.fallback is not None:
                        sys.exit(f"{path}:{line_number}: {model.name} has two fallbacks")
                    model.fallback = (name, type_)
                else:
                    model.cases.append((name, f"self.{name}"))
                    model.types[name] = re.sub(r"\s*=.*$", "", type_).strip()
            if code.strip():
                directives = []
        elif code.strip():
            directives = []
        depth += code.count("{") - code.count("}")
        while stack and depth < stack[-1][1]:
            stack.pop()
    return models


def fallback_expression(model):
    if model.fallback is None:
        return "nil"
    name, type_ = model.fallback
    generics = re.findall(r"\w+", model.generics or "")
    if type_.endswith("?"):
        return f"self.{name}?.child(named: name)"
    if type_ in generics:
        return f"(self.{name} as? MustacheParent)?.child(named: name)"
    return f"self.{name}.child(named: name)"


def page_value(expression, type_, known):
    """The PageValue of `expression` of Swift type `type_` (PageTemplate.swift)."""
    type_ = type_.strip()
    if type_ in ("String?", "Int?", "Bool?"):
        return f"PageValue({expression})"  # a non-generic initializer (PageTemplate.swift)
    if type_.endswith("?"):
        inner = page_value("$0", type_[:-1], known)
        return f"PageValue({expression}) {{ {inner} }}"
    if type_.startswith("[") and type_.endswith("]"):
        element = type_[1:-1].strip()
        fragments = known["fragments"]
        if element in fragments or f'{known["scope"]}.{element}' in fragments:
            # Rows one session's next render may copy when unchanged (PageFragments.swift).
            return f"PageValue(fragments: {expression}.count) {{ [list = {expression}] in list[$0] }}"
        if element not in ("String", "Int", "Bool", "Double") and not element.endswith("?") and not element.startswith("["):
            # A list of view models: one value for the list, each element boxed when its section
            # renders it (not all up front), with the concrete type known here (no generic call).
            return f"PageValue(objects: {expression}.count) {{ [list = {expression}] in .object(list[$0]) }}"
        inner = page_value("$0", element, known)
        return f"PageValue({expression}) {{ {inner} }}"
    return f"PageValue({expression})"


def fragment_source(model):
    """The PageFragmentSource conformance: every field compared, so none is forgotten."""
    if model.fallback:
        sys.exit(f"{model.name}: a fragment cannot have a fallback (its fields would not be all it shows)")
    for name, _ in model.cases:
        if model.types[name].rstrip("?") not in ("String", "Int", "Bool"):
            sys.exit(f"{model.name}.{name}: a fragment's fields must be String, Int or Bool (optional or not)")
    lines = [f"extension {model.name}: PageFragmentSource {{",
             "    func hasSameFields(as other: any PageFragmentSource) -> Bool {",
             f"        guard let other = other as? {model.name} else {{ return false }}"]
    lines += [f"        if self.{name} != other.{name} {{ return false }}" for name, _ in model.cases]
    return lines + ["        return true", "    }", "}", ""]


def page_lookup(model, models):
    """The typed lookup of a model for PageTemplate: no dynamic casts while rendering."""
    known = {"fragments": {m.name for m in models if m.fragment}, "scope": model.name}
    generics = re.findall(r"(\w+)\s*:", model.generics or "")
    # A fallback to a generic parameter: the type is a PageLookup when that parameter is one.
    condition = ""
    if model.fallback and model.fallback[1] in generics:
        condition = f" where {model.fallback[1]}: PageLookup"
    # The field numbers by key, made once (a global: generic types cannot hold static lets).
    table = "pageFields" + model.name.replace(".", "")
    names = ", ".join(f'"{name}"' for name, _ in model.cases)
    lines = [f"private let {table} = PageFields([{names}])", "",
             f"extension {model.name}: PageLookup{condition} {{",
             "    func value(for key: PageKey) -> PageValue {",
             f"        switch {table}.ordinal(key) {{"]
    for ordinal, (name, _) in enumerate(model.cases):
        lines.append(f'        case {ordinal}: {page_value("self." + name, model.types[name], known)}')
    if model.fallback:
        lines.append(f"        default: self.{model.fallback[0]}.value(for: key)")
    else:
        lines.append("        default: .missing")
    lines += ["        }", "    }", "}", ""]
    return lines


def render(models, model_path, header, fingerprint=False, lookup=False):
    out = ["// Generated by Scripts/generate-mustache-lookups.py from "
           + os.path.basename(model_path) + ": do not edit.",
           "// Run the script after changing a view model; a test fails while this file is stale.",
           "//"]
    out += ["// " + line for line in header.split("\n")]
    out.insert(0, "import Mustache\n" + ("import TaizhangCore\n" if lookup else ""))
    # Generated code is not formatted by hand or by swift-format (Scripts/format.sh, lint.sh).
    out.insert(0, "// swift-format-ignore-file\n")
    body = []
    for model in models:
        if model.skip:
            continue
        body.append(f"extension {model.name}: MustacheParent {{")
        body.append("    func child(named name: String) -> Any? {")
        body.append("        switch name {")
        for exposed, expression in model.cases:
            body.append(f'        case "{exposed}": {expression}')
        body.append(f"        default: {fallback_expression(model)}")
        body.append("        }")
        body.append("    }")
        body.append("}")
        body.append("")
        if fingerprint:
            body.append(f"extension {model.name}: PageFingerprintable {{")
            body.append("    func fingerprint(into fingerprint: inout PageFingerprint) {")
            fields = [name for name, _ in model.cases] + ([model.fallback[0]] if model.fallback else [])
            for name in fields:
                body.append(f"        fingerprint.add(self.{name})")
            body.append("    }")
            body.append("}")
            body.append("")
            body += page_lookup(model, models)
        elif lookup:
            body += page_lookup(model, models)
            if model.fragment:
                body += fragment_source(model)
    return "\n".join(out) + "\n\n" + "\n".join(body).rstrip("\n") + "\n"


def main(argv):
    check = "--check" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--check"]
    if unknown:
        sys.exit(f"usage: {argv[0]} [--check]")
    stale = False
    for model_path, lookup_path, header, *flags in TARGETS:
        models = parse(os.path.join(ROOT, model_path))
        text = render(models, model_path, header, fingerprint="fingerprint" in flags, lookup="lookup" in flags)
        target = os.path.join(ROOT, lookup_path)
        try:
            with open(target, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = ""
        if current == text:
            continue
        if check:
            stale = True
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True),
                fromfile=lookup_path + " (committed)", tofile=lookup_path + " (generated)"))
        else:
            temporary = target + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, target)
            print(f"wrote {lookup_path}")
    if stale:
        print("stale Mustache lookups: run Scripts/generate-mustache-lookups.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
