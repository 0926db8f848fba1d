#!/usr/bin/env python3
"""Writes a synthetic workspace of N communities, built from the shipped example.

usage: make-workspace.py REPO DEST N

The catalogue, groups and tasks are the example's; street.xml gets N communities (each with a
lead), cycling through the example's community attributes so applies-when conditions vary.
"""
import re, shutil, sys
from pathlib import Path

repo, dest, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
if dest.exists():
    shutil.rmtree(dest)
shutil.copytree(repo / "checklists", dest / "checklists")
shutil.copytree(repo / "templates", dest / "templates")
street = (dest / "checklists/street.xml").read_text(encoding="utf-8")
settings = [
    '<set name="hasUrbanVillage" value="true"/>',
    '<set name="outsourcedCollection" value="true"/>',
    '<set name="enterpriseAssociations" value="2"/>',
    '',
]
communities, people = [], []
for i in range(1, n + 1):
    code = "C" + format(i, "04d")
    communities.append(f'    <community id="c{i:04d}" name="合成{i:04d}社区" code="{code}" lead="pc{i:04d}" sample="true">{settings[i % 4]}</community>')
    people.append(f'    <person id="pc{i:04d}" name="站长{i:04d}" role="站长" community="c{i:04d}" sample="true"/>')
street = re.sub(r"<communities>.*?</communities>", "<communities>\n" + "\n".join(communities) + "\n  </communities>", street, flags=re.S)
# The example's people stay (groups name them); community staff move to the first community.
kept = [re.sub(r'community="[^"]*"', 'community="c0001"', line)
        for line in re.search(r"<people>(.*?)</people>", street, re.S).group(1).splitlines() if "<person" in line]
street = re.sub(r"<people>.*?</people>", "<people>\n" + "\n".join(kept + people) + "\n  </people>", street, flags=re.S)
(dest / "checklists/street.xml").write_text(street, encoding="utf-8")
# The example's community figures name communities that are gone; the street's figures stay.
figures_path = dest / "checklists/figures.xml"
if figures_path.exists():
    figures = figures_path.read_text(encoding="utf-8")
    figures = re.sub(r'\s*<unit id="(?!street")[^"]*"[^>]*>.*?</unit>', "", figures, flags=re.S)
    figures_path.write_text(figures, encoding="utf-8")
