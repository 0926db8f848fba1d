/// What `taizhang export` can write, each as one sheet with a Chinese name.
public enum ExportKind: String, CaseIterable, Sendable {
    case status, gaps, tasks, log, catalogue, figures

    /// The sheet name, also the default file name.
    public var sheetName: String {
        switch self {
        case .status: "状态"
        case .gaps: "失分项"
        case .tasks: "任务"
        case .log: "操作日志"
        case .catalogue: "台账目录"
        case .figures: "数据"
        }
    }

    /// Whether the tracker database is read (the catalogue and the figures come from the checklists alone).
    public var readsTracker: Bool { self != .catalogue && self != .figures }
}

/// The spreadsheet formats of `taizhang export`.
public enum ExportFormat: String, CaseIterable, Sendable {
    case xlsx, csv
}
