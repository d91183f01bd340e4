// SPDX-License-Identifier: GPL-3.0-or-later

import SimKernel
import Testing

struct StatisticsTests {
    /// Values worked by hand: mean 2.5, sample variance 5/3, type-7 quantiles (numpy's default).
    @Test func summaryOfASmallSampleMatchesHandComputation() throws {
        let summary = try #require(SampleSummary([4, 1, 3, 2]))
        #expect(summary.count == 4)
        #expect(summary.mean == 2.5)
        #expect(abs(summary.variance - 5.0 / 3) < 1e-15)
        #expect(summary.minimum == 1)
        #expect(summary.maximum == 4)
        #expect(summary.median == 2.5)
        #expect(Statistics.quantile([4, 1, 3, 2], 0.25) == 1.75)
        #expect(Statistics.quantile([4, 1, 3, 2], 0.9) == 3.7)
        #expect(Statistics.quantile([10], 0.5) == 10)
    }

    @Test func emptySamplesHaveNoSummary() {
        #expect(SampleSummary([]) == nil)
        #expect(SampleSummary([3])?.variance == 0)
    }
}
