import Foundation
import Synchronization
import Testing

@testable import CoxswainAMQP

#if canImport(Glibc)
    import Glibc
#endif

/// Throughput, latency and idle-CPU figures (printed, not asserted). Enabled by
/// `COXSWAIN_AMQP_BENCH` on top of the integration settings; numbers mean something only in a
/// release build (`swift test -c release`).
extension AMQPBrokerTests {
    @Suite("measurements", .enabled(if: AMQPTestEnvironment.benchEnabled, "set COXSWAIN_AMQP_BENCH"))
    struct AMQPMeasurements {
        typealias Env = AMQPTestEnvironment

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        static func processCPUSeconds() -> Double {
            var usage = rusage()
            #if canImport(Glibc)
                getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            #else
                getrusage(RUSAGE_SELF, &usage)
            #endif
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
                + Double(usage.ru_stime.tv_usec) / 1e6
        }

        static func message(_ index: Int, queue: String) -> OutgoingMessage {
            var body = Array("{\"seq\":\(index),\"payload\":\"".utf8)
            body += [UInt8](repeating: UInt8(ascii: "x"), count: max(0, 126 - body.count)) + Array("\"}".utf8)
            return OutgoingMessage(exchange: "", routingKey: queue, body: body, properties: AMQPProperties(messageID: "b-\(index)"))
        }

        @Test("publish with confirms: throughput in batches of 100 and of 1")
        func publishThroughput() async throws {
            let queue = Env.uniqueName("bench")
            defer { Env.cleanUp(queues: [queue]) }
            let publisher = AMQPPublisher(
                configuration: try Env.configuration(name: "bench-publisher"), topology: TopologyDeclaration(queues: [QueueDeclaration(name: queue)]),
                logger: Env.logger("publisher"))
            try await publisher.publish([Self.message(0, queue: queue)])  // connect + declare
            let clock = ContinuousClock()
            for (count, batch) in [(20_000, 100), (2_000, 1)] {
                let start = clock.now
                for first in stride(from: 0, to: count, by: batch) {
                    try await publisher.publish((first..<first + batch).map { Self.message($0, queue: queue) })
                }
                let elapsed = Self.seconds(clock.now - start)
                print(
                    String(
                        format: "bench: %d persistent 128-B messages, confirmed in batches of %d: %.2f s = %.0f msg/s", count, batch, elapsed,
                        Double(count) / elapsed))
            }
        }

        @Test("end-to-end latency of single messages (publish -> delivery)")
        func latency() async throws {
            let queue = Env.uniqueName("latency")
            defer { Env.cleanUp(queues: [queue]) }
            let topology = TopologyDeclaration(queues: [QueueDeclaration(name: queue)])
            let publisher = RunningPublisher(
                AMQPPublisher(configuration: try Env.configuration(name: "bench-publisher"), topology: topology, logger: Env.logger("publisher")))
            let consumer = RunningConsumer(
                AMQPConsumer(
                    configuration: try Env.configuration(name: "bench-consumer"), queue: queue, prefetch: 50, topology: topology, logger: Env.logger("consumer")
                ))
            let clock = ContinuousClock()
            let (arrivals, arrivalsContinuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
            let receiver = Task {
                for await delivery in consumer.consumer.deliveries {
                    arrivalsContinuation.yield(clock.now)
                    consumer.consumer.ack(delivery)
                }
            }
            var iterator = arrivals.makeAsyncIterator()
            try await publisher.publisher.publish([Self.message(-1, queue: queue)])  // warm up: connected both ends
            _ = await iterator.next()

            for confirmed in [true, false] {
                var samples: [Double] = []
                for index in 0..<500 {
                    let start = clock.now
                    if confirmed {
                        try await publisher.publisher.publish([Self.message(index, queue: queue)])
                    } else {
                        try await publisher.publisher.publishUnconfirmed(Self.message(index, queue: queue))
                    }
                    guard let arrived = await iterator.next() else { break }
                    samples.append(Self.seconds(arrived - start) * 1000)
                    try await Task.sleep(for: .milliseconds(2))
                }
                samples.sort()
                func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
                print(
                    String(
                        format: "bench: latency publish%@ -> delivery, %d samples: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms",
                        confirmed ? "(confirmed)" : "Unconfirmed", samples.count, percentile(0.5), percentile(0.9), percentile(0.99), samples.last ?? 0))
            }
            await consumer.stop()
            await publisher.stop()
            receiver.cancel()
        }

        @Test("CPU of idle consumers and an idle publisher")
        func idleCPU() async throws {
            let count = 20
            let queues = (0..<count).map { _ in Env.uniqueName("idle") }
            defer { Env.cleanUp(queues: queues) }
            let publisher = RunningPublisher(
                AMQPPublisher(configuration: try Env.configuration(name: "idle-publisher"), topology: .empty, logger: Env.logger("publisher")))
            let consumers = try queues.map { queue in
                RunningConsumer(
                    AMQPConsumer(
                        configuration: try Env.configuration(name: "idle-consumer"), queue: queue, prefetch: 10,
                        topology: TopologyDeclaration(queues: [QueueDeclaration(name: queue, autoDelete: true)]), logger: Env.logger("consumer")))
            }
            try await Task.sleep(for: .seconds(3))  // connected and settled
            let clock = ContinuousClock()
            let cpuStart = Self.processCPUSeconds()
            let start = clock.now
            try await Task.sleep(for: .seconds(20))
            let cpu = Self.processCPUSeconds() - cpuStart
            let wall = Self.seconds(clock.now - start)
            print(
                String(
                    format: "bench: idle for %.1f s with %d consumers + 1 publisher (heartbeat 10 s): process CPU %.3f s = %.3f%% of one core",
                    wall, count, cpu, cpu / wall * 100))
            for consumer in consumers { await consumer.stop() }
            await publisher.stop()
        }
    }
}
