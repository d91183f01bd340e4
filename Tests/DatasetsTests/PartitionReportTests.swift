// SPDX-License-Identifier: GPL-3.0-or-later

import Testing

@testable import Datasets

struct PartitionReportTests {
    let labels: [Int32] = [0, 1, 1, 2, 2, 2]
    let partition = Partition(clients: [[0, 3], [1, 2, 4, 5]])

    @Test func countsAreEachClientsLabelsTallied() {
        let report = self.partition.report(labels: self.labels, classCount: 3)
        #expect(report.counts == [[1, 0, 1], [0, 2, 2]])
    }

    @Test func csvHasTheHeaderAndOneRowPerClientAndLabelZerosIncluded() {
        let csv = self.partition.report(labels: self.labels, classCount: 3).csv()
        #expect(
            csv == """
                client_id,label,count
                0,0,1
                0,1,0
                0,2,1
                1,0,0
                1,1,2
                1,2,2

                """)
    }

    @Test func rowsSumToTheClientSizes() throws {
        let labels = PartitionTests.labels
        let partition = try PartitionTests.split("dirichlet 0.5")
        let rows = partition.report(labels: labels, classCount: 10).rows
        #expect(rows.count == 20 * 10)
        for client in 0..<20 {
            #expect(rows.filter { $0.clientID == client }.map(\.count).reduce(0, +) == partition.clients[client].count)
        }
    }
}
