/// A small seeded random generator (SplitMix64): the same seed gives the same sequence on
/// every machine and Swift version, unlike the system generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound, without modulo bias.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let limit = UInt64.max - UInt64.max % UInt64(bound)
        while true {
            let value = next()
            if value < limit { return Int(value % UInt64(bound)) }
        }
    }
}

/// Draws households and documents the way an inspector would: at random, reproducibly,
/// weighted towards what is most likely to go wrong.
public struct SpotCheckSampler {
    public var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// Picks up to `count` distinct elements, each draw proportional to its weight (in order of drawing).
    public mutating func sample<T>(_ elements: [T], count: Int, weight: (T) -> Int) -> [T] {
        var pool = elements.map { ($0, max(0, weight($0))) }
        var chosen: [T] = []
        while chosen.count < count {
            let total = pool.reduce(0) { $0 + $1.1 }
            guard total > 0 else { break }
            var ticket = generator.below(total)
            guard
                let index = pool.firstIndex(where: {
                    ticket -= $0.1; return ticket < 0
                })
            else { break }
            chosen.append(pool[index].0)
            pool.remove(at: index)
        }
        return chosen
    }

    /// Household weights: key households are checked most, trusted ones least.
    public static func weight(_ household: Household) -> Int {
        switch household.category {
        case .key: 4
        case .ordinary: 2
        case .trusted: 1
        }
    }

    /// Document weights: an item with no files yet is three times as likely; one nobody has
    /// ticked or verified yet, twice.
    public static func weight(hasFiles: Bool, signedOff: Bool) -> Int {
        (hasFiles ? 1 : 3) * (signedOff ? 1 : 2)
    }
}
