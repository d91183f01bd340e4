// SPDX-License-Identifier: GPL-3.0-or-later

extension EventQueue {
    /// Checks the queue's internal invariants, trapping with a message on the first violation.
    ///
    /// Every key precedes its children; every pending slot holds a payload and is referenced by exactly
    /// one key; the live count matches. O(n): meant for tests and debugging, not for hot paths.
    public func checkInvariants() {
        for index in self.heap.indices.dropFirst() {
            let parent = (index - 1) >> 2
            precondition(!self.heap[index].precedes(self.heap[parent]), "heap order violated at \(index)")
        }
        var referenced = Set<Int32>()
        var live = 0
        for key in self.heap {
            precondition(referenced.insert(key.slot).inserted, "slot \(key.slot) referenced twice")
            if self.slots[Int(key.slot)].sequence == key.sequence {
                live += 1
                precondition(self.slots[Int(key.slot)].event != nil, "live slot \(key.slot) has no payload")
            }
        }
        precondition(live == self.liveCount, "live count \(self.liveCount) but \(live) live keys")
        precondition(Set(self.freeSlots).isDisjoint(with: referenced), "a free slot is still referenced")
    }
}
