extension PageRenderer {
    /// The 速查表 of a unit: the finder's keywords, grouped under their pinyin initials.
    func finderPage(_ unit: UnitPlan, finder: Finder) -> FinderPage {
        var letters: [FinderLetter] = []
        for entry in finder.entries(unit: unit) {
            let letter = PinyinOrder.letter(entry.keyword)
            let row = FinderEntry(
                keyword: entry.keyword,
                places: entry.places.map { FinderPlace(box: "第\($0.boxNumber)盒", code: $0.itemCode, title: $0.itemTitle) })
            if letters.last?.letter == letter {
                letters[letters.count - 1].entries.append(row)
            } else {
                letters.append(FinderLetter(letter: letter, entries: [row]))
            }
        }
        return FinderPage(header: header, unitName: unit.name, fullUnitName: fullUnitName(unit), boxCount: unit.boxes.count, letters: letters)
    }
}
