import Foundation
import Testing

/// A command run to completion.
enum Shell {
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
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
