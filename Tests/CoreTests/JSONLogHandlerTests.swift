import CoxswainConfig
import Foundation
import Logging
import Synchronization
import Testing

/// `log.format: json`: one object per line, the metadata as fields, the fixed fields never overwritten.
@Suite struct JSONLogHandlerTests {
    @Test("a line is one JSON object with time, level, label, message, source and every metadata key as a field")
    func oneObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "coxswain.scheduler") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "node.name"] = "web-1"
        logger.info(
            "task dispatched", metadata: ["job.id": "6f1c", "task.count": "3", "nodes": ["a", "b"], "message": "collides", "detail": ["k": "v"]])
        logger.debug("not at info")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "task dispatched")
        #expect(object["meta.message"] as? String == "collides", "a metadata key never replaces a fixed field")
        #expect(object["level"] as? String == "info" && object["label"] as? String == "coxswain.scheduler")
        #expect(object["node.name"] as? String == "web-1" && object["job.id"] as? String == "6f1c" && object["task.count"] as? String == "3")
        #expect(object["nodes"] as? [String] == ["a", "b"] && (object["detail"] as? [String: String]) == ["k": "v"])
        let time = try #require(object["time"] as? String)
        #expect(time.hasSuffix("Z") && time.contains("T") && time.contains("."), "\(time)")
        #expect(object["source"] != nil)
    }

    @Test("log.format is text or json, from a flag or COXSWAIN_LOG_FORMAT; anything else is refused naming the key")
    func formatKey() async throws {
        let fromEnvironment = try await ConfigReaderStack(flags: [:], environment: ["COXSWAIN_LOG_FORMAT": "json"], configFile: nil)
        #expect(try CommonConfiguration(fromEnvironment, needsDatabase: false, needsBroker: false).logFormat == .json)
        let byDefault = try await ConfigReaderStack(flags: [:], environment: [:], configFile: nil)
        #expect(try CommonConfiguration(byDefault, needsDatabase: false, needsBroker: false).logFormat == .text)
        let wrong = try await ConfigReaderStack(flags: ["log.format": "xml"], environment: [:], configFile: nil)
        #expect {
            _ = try CommonConfiguration(wrong, needsDatabase: false, needsBroker: false)
        } throws: { error in
            "\(error)".contains("log.format") && "\(error)".contains("xml")
        }
    }
}
