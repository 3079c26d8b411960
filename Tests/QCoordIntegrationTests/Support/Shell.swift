import Foundation
import Testing

/// A command run to completion.
enum Shell {
    /// stdout and stderr together; `environment` is added to this process's.
    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func check(_ executable: String, _ arguments: [String]) throws {
        let r = try run(executable, arguments)
        try #require(r.status == 0, "\(executable) \(arguments.joined(separator: " ")): \(r.output)")
    }
}
