import Synchronization
import TaizhangCore

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel's change notices (Linux `inotify`) for the folders `PackInventory` has counted:
/// a count is kept while no folder it depends on has had a notice since it was counted, so an
/// unchanged folder costs no system call at all on a reload (one `fstatat` per item folder was
/// the items page's largest kernel cost).
///
/// The kernel queues a notice before the call that changed the folder returns (creating,
/// removing, renaming or moving anything in it, by any program, over a share or on the command
/// line); `drain` reads the queue without waiting at the start of each request, so a change made
/// before the request shows in it. When the queue overflowed, every count is forgotten. Where
/// a folder cannot be watched (no inotify, the watch limit, a link on the way), `watch` answers
/// nil and the caller falls back to its time stamps. Other platforms always answer nil.
final class FolderWatches: Sendable {
    /// A device and inode: the same folder, whatever its path.
    struct Identity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// What a count was made under: the anchor folder (the unit's) it was counted below, the
    /// overflow epoch, and the mark each watched folder had. Still true while all are unchanged.
    struct Proof: Sendable {
        var anchor: Identity
        var epoch: UInt64
        /// The clock then: while it has not moved, no mark has.
        var clock: UInt64
        var watches: [Int32]
        var marks: [UInt64]
    }

    private struct State: ~Copyable {
        /// -1: not opened yet; -2: inotify is not available (or closed).
        var descriptor: Int32 = -1
        /// Per watch: the clock value of its last notice (or of its creation).
        var marks: [Int32: UInt64] = [:]
        /// Moves with every change of `marks`.
        var clock: UInt64 = 0
        /// Raised when the kernel's queue overflowed: notices were lost.
        var epoch: UInt64 = 0
    }

    /// The most folders one inventory watches (the kernel's `max_user_watches` is shared by
    /// every program of the user); beyond it, folders are checked by their times.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int = 20_000) {
        self.limit = limit
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
            state.descriptor = -2
        }
    }

    /// Folders watched now (tests).
    var count: Int { state.withLock { $0.marks.count } }

    /// The identity of the folder at `path` (links followed), nil when it is not a folder.
    static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether a count made under `proof` still holds for a folder below `anchor` (the anchor's
    /// identity now). Call `drain` first, once per request.
    func isCurrent(_ proof: Proof, anchor: Identity) -> Bool {
        guard proof.anchor == anchor else { return false }
        return state.withLock { state in
            guard proof.epoch == state.epoch else { return false }
            if proof.clock == state.clock { return true }
            for (watch, mark) in zip(proof.watches, proof.marks) where state.marks[watch] != mark { return false }
            return true
        }
    }

    #if os(Linux)
        private static let mask: UInt32 =
            UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_ATTRIB)
            | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW)

        /// Reads every queued notice (without waiting): each moves its folder's mark, so the
        /// counts that depend on that folder no longer hold.
        func drain() {
            state.withLock { state in
                guard state.descriptor >= 0 else { return }
                Self.read(&state)
            }
        }

        private static func read(_ state: inout State) {
            let size = 16 * 1024
            withUnsafeTemporaryAllocation(byteCount: size, alignment: 8) { buffer in
                guard let base = buffer.baseAddress else { return }
                while true {
                    let got = Glibc.read(state.descriptor, base, size)
                    if got < 0 && errno == EINTR { continue }
                    guard got > 0 else { return }
                    var offset = 0
                    while offset + 16 <= got {
                        let watch = buffer.load(fromByteOffset: offset, as: Int32.self)
                        let mask = buffer.load(fromByteOffset: offset + 4, as: UInt32.self)
                        let length = Int(buffer.load(fromByteOffset: offset + 12, as: UInt32.self))
                        offset += 16 + length
                        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                            // Notices were lost: no count can be trusted any more.
                            state.epoch &+= 1
                            continue
                        }
                        guard state.marks[watch] != nil else { continue }
                        if mask & UInt32(IN_IGNORED) != 0 {
                            // The folder was deleted (or its file system unmounted): the watch is gone.
                            state.clock &+= 1
                            state.marks[watch] = nil
                        } else {
                            state.clock &+= 1
                            state.marks[watch] = state.clock
                        }
                    }
                }
            }
        }

        private enum Added {
            case watched(Int32)
            /// Nothing there (or, for the item folder itself, a file or a link, which holds no
            /// files): the parent's watch sees it appear.
            case absent
            /// Not watchable: the caller checks times instead.
            case failed
        }

        private func add(_ path: String, last: Bool) -> Added {
            state.withLock { state -> Added in
                if state.descriptor == -1 {
                    let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
                    state.descriptor = descriptor >= 0 ? descriptor : -2
                }
                guard state.descriptor >= 0 else { return .failed }
                let watch = inotify_add_watch(state.descriptor, path, Self.mask)
                if watch < 0 {
                    guard errno == ENOENT || errno == ENOTDIR else { return .failed }
                    // Missing, or (the item folder only) a file or a link: absent. A link on the
                    // way to it would be followed by the listing, so its target is not watched.
                    var info = stat()
                    if lstat(path, &info) != 0 { return errno == ENOENT ? .absent : .failed }
                    return last && info.st_mode & S_IFMT != S_IFDIR ? .absent : .failed
                }
                if state.marks[watch] == nil {
                    guard state.marks.count < limit else {
                        inotify_rm_watch(state.descriptor, watch)
                        return .failed
                    }
                    state.clock &+= 1
                    state.marks[watch] = state.clock
                }
                return .watched(watch)
            }
        }

        /// Watches `chain` (the anchor folder, then each folder down to the item folder) and
        /// every folder below the item folder that `FileInventory.userFiles` would list, each
        /// before it is read; returns the proof to keep with the count, which the caller makes
        /// afterwards. Nil when some folder cannot be watched.
        func watch(anchor: Identity, chain: [String]) -> Proof? {
            var watches: [Int32] = []
            for (index, path) in chain.enumerated() {
                switch add(path, last: index == chain.count - 1) {
                case .watched(let watch): watches.append(watch)
                case .absent: return index == 0 ? nil : proof(anchor, watches)
                case .failed: return nil
                }
            }
            var pending = [chain[chain.count - 1]]
            while let folder = pending.popLast() {
                guard let names = Self.subfolders(of: folder) else { continue }
                for name in names {
                    switch add(folder + "/" + name, last: true) {
                    case .watched(let watch):
                        watches.append(watch)
                        pending.append(folder + "/" + name)
                    case .absent: continue
                    case .failed: return nil
                    }
                }
            }
            return proof(anchor, watches)
        }

        private func proof(_ anchor: Identity, _ watches: [Int32]) -> Proof? {
            state.withLock { state in
                var marks: [UInt64] = []
                marks.reserveCapacity(watches.count)
                for watch in watches {
                    guard let mark = state.marks[watch] else { return nil }  // gone already
                    marks.append(mark)
                }
                return Proof(anchor: anchor, epoch: state.epoch, clock: state.clock, watches: watches, marks: marks)
            }
        }

        /// The sub-folders `FileInventory.userFiles` descends into: not noise, not links.
        private static func subfolders(of folder: String) -> [String]? {
            let descriptor = FileInventory.openFolder(AT_FDCWD, folder)
            guard descriptor >= 0 else { return nil }
            guard let directory = fdopendir(descriptor) else {
                close(descriptor)
                return nil
            }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { String(cString: $0) }
                }
                guard !FileInventory.isNoise(name) else { continue }  // also "." and ".."
                var info = stat()
                if fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFDIR { names.append(name) }
            }
            return names
        }

        /// Closes the queue as if inotify were unavailable (tests of the fallback).
        func disable() {
            state.withLock { state in
                if state.descriptor >= 0 { close(state.descriptor) }
                state.descriptor = -2
                state.marks = [:]
                state.epoch &+= 1  // nothing watched any more: no count made under a watch holds
            }
        }
    #else
        func drain() {}
        func watch(anchor: Identity, chain: [String]) -> Proof? { nil }
        func disable() {}
    #endif
}
