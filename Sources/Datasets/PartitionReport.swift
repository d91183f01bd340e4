// SPDX-License-Identifier: GPL-3.0-or-later

/// Each client's sample count by label: for traces, plots and checks of how skewed a partition is.
public struct PartitionReport: Equatable, Sendable {
    /// One cell of the report, as a CSV row `client_id,label,count`.
    public struct Row: Equatable, Sendable {
        /// The client (its index in the partition).
        public var clientID: Int
        /// The label.
        public var label: Int
        /// How many of the client's samples carry the label.
        public var count: Int

        /// Creates a row.
        public init(clientID: Int, label: Int, count: Int) {
            self.clientID = clientID
            self.label = label
            self.count = count
        }
    }

    /// The CSV header: `client_id,label,count`.
    public static let csvHeader = "client_id,label,count"

    /// `counts[client][label]`.
    public let counts: [[Int]]

    /// Counts the labels of every client's samples.
    ///
    /// - Precondition: every index is valid for `labels`, and every label is in `0..<classCount`.
    /// - Complexity: O(total samples in the partition).
    public init(partition: Partition, labels: [Int32], classCount: Int) {
        self.counts = partition.clients.map { indices in
            var row = [Int](repeating: 0, count: classCount)
            for index in indices {
                row[Int(labels[index])] += 1
            }
            return row
        }
    }

    /// Every (client, label) pair, zeros included, client-major then label ascending: a complete grid,
    /// ready for a heat map.
    public var rows: [Row] {
        self.counts.enumerated().flatMap { client, row in
            row.enumerated().map { Row(clientID: client, label: $0.offset, count: $0.element) }
        }
    }

    /// The report as CSV text: the header, then one line per ``rows`` element; `\n` line ends, trailing newline.
    public func csv() -> String {
        var text = Self.csvHeader + "\n"
        for row in self.rows {
            text += "\(row.clientID),\(row.label),\(row.count)\n"
        }
        return text
    }
}
