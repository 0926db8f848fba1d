import Testing

@testable import TaizhangCore

@Suite struct NearestNamesTests {
    @Test func closeNamesAreSuggestedAndFarOnesAreNot() {
        #expect(NearestNames.didYouMean("g-2", among: ["g1", "g2", "g3"]) == "; did you mean \"g2\"?")
        #expect(NearestNames.didYouMean("wset", among: ["east", "west"]) == "; did you mean \"west\"?")
        #expect(NearestNames.didYouMean("west", among: ["east"]) == "")
        #expect(NearestNames.didYouMean("p9", among: ["p01", "p02"]) == "")
        #expect(NearestNames.didYouMean("g9", among: ["g1", "g2"]) == "; did you mean \"g1\" or \"g2\"?")
        // Seven equally close names are a list, not a hint.
        #expect(NearestNames.suggestions(for: "g9", among: (1...7).map { "g\($0)" }).isEmpty)
        #expect(NearestNames.suggestions(for: "hasUrbanVilage", among: ["hasUrbanVillage", "outsourcedCollection"]) == ["hasUrbanVillage"])
    }
}
