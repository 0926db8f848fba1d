#!/usr/bin/env python3
"""Writes a synthetic district: S streets of N communities each, built with make-workspace.py.

usage: make-district.py REPO DEST S N

DEST/district.xml names the streets s01 … sS (workspaces DEST/streets/sNN, street ids sNN,
names 合成NN街道) and one district person, qu01; DEST/schema/district.xsd and DEST/templates/
are copied from the repository.
"""
import shutil, subprocess, sys
from pathlib import Path

repo, dest, streets, communities = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if dest.exists():
    shutil.rmtree(dest)
(dest / "streets").mkdir(parents=True)
entries = []
for s in range(1, streets + 1):
    sid = f"s{s:02d}"
    root = dest / "streets" / sid
    subprocess.run([sys.executable, str(repo / "Benchmarks/make-workspace.py"), str(repo), str(root), str(communities)], check=True)
    street = root / "checklists/street.xml"
    text = street.read_text(encoding="utf-8")
    text = text.replace('id="donghu" name="东湖街道"', f'id="{sid}" name="合成{s:02d}街道"', 1)
    street.write_text(text, encoding="utf-8")
    entries.append(f'    <street workspace="streets/{sid}"/>')
(dest / "schema").mkdir()
shutil.copy(repo / "checklists/schema/district.xsd", dest / "schema/district.xsd")
shutil.copytree(repo / "templates", dest / "templates")
(dest / "district.xml").write_text(
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<district xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="schema/district.xsd"'
    ' id="bench" name="合成区">\n  <streets>\n' + "\n".join(entries) + "\n  </streets>\n"
    '  <people>\n    <person id="qu01" name="区级查看" role="district"/>\n  </people>\n</district>\n',
    encoding="utf-8")
