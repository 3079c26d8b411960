import Foundation
import Testing

/// Headless Chromium for the results.html tests: the browser QCOORD_CHROMIUM names (set by
/// `make check-html` and `make test-multihost`), the DOM after the page's script ran, and a
/// screenshot under build/artifacts/.
enum Chromium {
    static var isConfigured: Bool { ProcessInfo.processInfo.environment["QCOORD_CHROMIUM"] != nil }
    static var path: String { ProcessInfo.processInfo.environment["QCOORD_CHROMIUM"] ?? "chromium" }
    static let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]

    static func flags(width: Int, height: Int) -> [String] { flags + ["--window-size=\(width),\(height)"] }

    /// The file's URL, with an optional fragment (e.g. "only=FAIL").
    static func url(_ file: String, fragment: String? = nil) -> String {
        URL(fileURLWithPath: file).absoluteString + (fragment.map { "#" + $0 } ?? "")
    }

    /// `--dump-dom`: the serialized DOM once the page's scripts ran.
    static func dumpDOM(_ url: String, width: Int = 1400) throws -> ReportJob.Output {
        try ReportJob.exec(path, flags(width: width, height: 1100) + ["--dump-dom", url])
    }

    /// Saves a PNG of the page (a `width` × `height` window) to build/artifacts/`name` and returns its bytes.
    static func screenshot(_ url: String, name: String, width: Int = 1400, height: Int = 1100) throws -> Data {
        try FileManager.default.createDirectory(atPath: ReportJob.artifacts, withIntermediateDirectories: true)
        let shot = ReportJob.artifacts + "/" + name
        try? FileManager.default.removeItem(atPath: shot)
        let s = try ReportJob.exec(path, flags(width: width, height: height) + ["--screenshot=" + shot, url])
        #expect(s.status == 0, "\(s.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: shot))
    }

    static func isPNG(_ data: Data) -> Bool { data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) }
}
