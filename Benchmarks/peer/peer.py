#!/usr/bin/env python3
"""The Python peer of `taizhang generate`: what a plain lxml + Jinja2 script costs.

usage: peer.py WORKSPACE OUT

Reads the same checklists (XInclude expanded by lxml), plans the same folder tree (street and
community sections, binders per category, one folder per ledger item, the same Windows-safe
names, applies-when conditions) and writes the same kinds of pages with Jinja2: a cover and a
catalogue per binder, an item sheet per item, spine labels, a figures page, an HTML and an XML
index per unit, and the street's index. Like Taizhang it lists the user's files in every item
folder for the indexes, and writes a page only when its bytes change.

It is a benchmark tool, not part of the build (pip install lxml jinja2).
"""
import os, sys
from pathlib import Path

import jinja2
from lxml import etree

FORBIDDEN = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in range(1, 10)} | {f"LPT{n}" for n in range(1, 10)}


def sanitize(name, cap):
    out = "".join("_" if c in FORBIDDEN else c for c in name if ord(c) >= 0x20 and ord(c) != 0x7F)
    out = out.rstrip(". ").lstrip(" ") or "_"
    if out.split(".", 1)[0].strip().upper() in RESERVED:
        out += "_"
    while len(out.encode("utf-16-le")) // 2 > cap and out:
        out = out[:-1]
    return out.rstrip(". ") or "_"


def folder(prefix, name, cap):
    return prefix + " " + sanitize(name, max(1, cap - len(prefix) - 1))


def truthy(v):
    return v is not None and v.lower() in ("true", "1", "yes", "是")


def matches(cond, values, defaults, kinds):
    if not cond:
        return True
    for clause in cond.split(" and "):
        clause = clause.strip()
        for op in (">=", "<=", "!=", "=", ">", "<"):
            if op in clause:
                name, expected = (s.strip(" \t\"'") for s in clause.split(op, 1))
                actual = values.get(name, defaults.get(name)) or ("0" if kinds.get(name) == "integer" else "")
                try:
                    a, b = int(actual), int(expected)
                    ok = {">=": a >= b, "<=": a <= b, "!=": a != b, "=": a == b, ">": a > b, "<": a < b}[op]
                except ValueError:
                    ok = (actual == expected) if op == "=" else (actual != expected) if op == "!=" else False
                if not ok:
                    return False
                break
        else:
            words = clause.split()
            value = truthy(values.get(words[-1], defaults.get(words[-1])))
            if value == (words[0] == "not"):
                return False
    return True


def main():
    workspace, out = Path(sys.argv[1]), Path(sys.argv[2])
    root = etree.parse(str(workspace / "checklists/taizhang.xml"))
    root.xinclude()
    street = root.find("street")
    year = street.get("year")
    # The page twins here; the style sheet is the workspace's own (it has no tags).
    loader = jinja2.FileSystemLoader([str(Path(__file__).parent / "templates"), str(workspace / "templates")])
    env = jinja2.Environment(loader=loader, autoescape=True)
    pages = {name: env.get_template(name + ".html") for name in ("cover", "catalogue", "item-sheet", "spine-labels", "figures", "index-unit", "index-street")}
    header = {
        "streetName": street.get("name"), "office": street.get("office"), "year": year,
        "assessmentTitle": f"{year}年度人口计生目标管理责任制考核",
        "periodText": f"{street.get('periodStart')} 至 {street.get('periodEnd')}",
    }
    groups = {g.get("id"): g.get("name") for g in street.iter("group")}
    defaults = {a.get("name"): a.get("default") for a in street.iter("attribute")}
    kinds = {a.get("name"): a.get("type") for a in street.iter("attribute")}
    categories = []
    for category in root.find("catalogue").iter("category"):
        items = []
        for indicator in category.iter("indicator"):
            ilevel = indicator.get("level") or "both"
            for item in indicator.iter("item"):
                documents = [{"title": d.get("title"), "quantity": d.get("quantity", "1"), "period": d.get("period", ""), "date": d.get("date", "")}
                             for d in item.iter("document")]
                items.append({
                    "code": item.get("code"), "title": item.get("title"), "level": item.get("level") or ilevel,
                    "folder": folder(item.get("code"), item.get("folder") or item.get("title"), 60),
                    "indicatorCode": indicator.get("code"), "indicatorName": indicator.get("name"), "points": indicator.get("points"),
                    "method": indicator.get("method"), "appliesWhen": indicator.get("appliesWhen"),
                    "standard": (indicator.findtext("standard") or "").strip(), "note": (item.findtext("note") or "").strip(),
                    "group": groups.get(item.get("group") or indicator.get("group"), ""),
                    "hints": [h.text for h in item.iter("hint") if h.get("match") != "regex"],
                    "documents": documents, "expected": sum(int(d["quantity"]) for d in documents),
                })
        categories.append({"code": category.get("code"), "name": category.get("name"),
                           "folder": folder(category.get("code"), category.get("folder") or category.get("name"), 40), "items": items})
    communities = list(street.find("communities").iter("community"))
    width = max(2, len(str(len(communities))))
    units = [("street", street.get("name") + (street.get("section") or ""), "0".zfill(width), {})]
    for n, c in enumerate(communities, 1):
        units.append((c.get("id"), c.get("name"), str(n).zfill(width), {s.get("name"): s.get("value") for s in c.iter("set")}))
    pack = out / sanitize(f"{street.get('folder') or street.get('name')}-{year}", 40)
    written = unchanged = 0

    def write(path, text):
        nonlocal written, unchanged
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                unchanged += 1
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(".tmp-" + path.name)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written += 1

    rows = []
    for uid, name, number, values in units:
        base = pack / folder(number, name, 40)
        binders = []
        for category in categories:
            items = [i for i in category["items"] if (i["level"] != "community" if uid == "street" else i["level"] != "street")
                     and (uid == "street" or matches(i["appliesWhen"], values, defaults, kinds))]
            if items:
                binders.append(dict(category, items=items))
        present = expected = 0
        for binder in binders:
            bdir = base / binder["folder"]
            ctx = {"header": header, "unitName": name, "binderNumber": binder["code"], "categoryName": binder["name"], "items": binder["items"]}
            write(bdir / "00 封面.html", pages["cover"].render(ctx, itemCount=len(binder["items"]), groups="、".join(sorted({i["group"] for i in binder["items"]}))))
            write(bdir / "00 目录.html", pages["catalogue"].render(ctx))
            for item in binder["items"]:
                idir = bdir / item["folder"]
                write(idir / "00 说明.html", pages["item-sheet"].render(ctx, item=item))
                try:
                    files = sorted(e.name for e in os.scandir(idir) if e.is_file() and not e.name.startswith(".") and e.name != "00 说明.html")
                except FileNotFoundError:
                    files = []
                item["files"] = files
                present += min(len(files), item["expected"])
                expected += item["expected"]
        write(base / "00 脊条.html", pages["spine-labels"].render(header=header, unitName=name, binders=binders, year=year))
        write(base / "00 数据统计.html", pages["figures"].render(header=header, unitName=name))
        write(base / "index.html", pages["index-unit"].render(header=header, unitName=name, binders=binders, present=present, expected=expected))
        xml = etree.Element("unit", id=uid, name=name)
        for binder in binders:
            b = etree.SubElement(xml, "binder", number=binder["code"], name=binder["name"])
            for item in binder["items"]:
                etree.SubElement(b, "item", code=item["code"], title=item["title"], expected=str(item["expected"]), present=str(len(item["files"])))
        write(base / "index.xml", etree.tostring(xml, encoding="unicode", pretty_print=True))
        rows.append({"number": number, "name": name, "href": base.name + "/index.html", "present": present, "expected": expected, "binders": len(binders)})
    write(pack / "index.html", pages["index-street"].render(header=header, units=rows))
    write(pack / "数据统计.html", pages["figures"].render(header=header, unitName=header["streetName"]))
    xml = etree.Element("street", name=header["streetName"])
    for row in rows:
        etree.SubElement(xml, "unit", number=row["number"], name=row["name"], present=str(row["present"]), expected=str(row["expected"]))
    write(pack / "index.xml", etree.tostring(xml, encoding="unicode", pretty_print=True))
    print(f"peer: {written} written, {unchanged} unchanged")


main()
