import TaizhangCore

extension Tracker {
    /// The documents the last scan recorded, as the finder reads them (`find`, 速查表).
    public func scannedFiles() throws -> [Finder.ScannedFile] {
        try documents(units: nil).map { Finder.ScannedFile(unit: $0.unit, item: $0.item, path: $0.path) }
    }
}
