@testable import KinexusPostgres
import KinexusTestSupport
import Synchronization
import Testing

struct LocalTurnsTests {
    @Test func tasksTakeTurnsAtOneNameInTheOrderTheyCameAndOtherNamesDoNotWait() async throws {
        let turns = LocalTurns(), order = Order()
        try await turns.take("a")
        try await turns.take("b")  // another name: no wait
        var waiting: [Task<Void, any Error>] = []
        for number in 1...3 {
            waiting.append(Task {
                try await turns.take("a")
                order.numbers.withLock { $0.append(number) }
                turns.end("a")
            })
            // Each joins the line before the next starts, so "came" has an order to keep.
            #expect(await eventually { turns.waiting("a") == number })
        }
        #expect(order.numbers.withLock { $0 }.isEmpty, "no turn while the first is taken")
        turns.end("a")
        for task in waiting { try await task.value }
        #expect(order.numbers.withLock { $0 } == [1, 2, 3])
        turns.end("b")
    }

    @Test func aCancelledWaiterLeavesTheLineAndTheNextGetsItsTurn() async throws {
        let turns = LocalTurns()
        try await turns.take("a")
        let cancelled = Task { try await turns.take("a") }
        let next = Task {
            try await turns.take("a")
            turns.end("a")
        }
        #expect(await eventually { turns.waiting("a") == 2 })
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        turns.end("a")
        try await next.value
        #expect(turns.waiting("a") == nil, "no one holds a turn")
    }
}

private final class Order: Sendable {
    let numbers = Mutex<[Int]>([])
}
