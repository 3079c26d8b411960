import Foundation
import QCoordCore

extension JobDirectory {
    /// An existing job directory (`qcoord run --resume`, `qcoord replay`): its id from `id`;
    /// files added to it get its kind of modes (private when others cannot enter it).
    public static func existing(path: String) throws -> JobDirectory {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        guard let idData = FileManager.default.contents(atPath: url.path + "/id") else {
            throw ReportError.notAJob(reference: path)
        }
        let id = String(decoding: idData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { throw ReportError.notAJob(reference: path) }
        return JobDirectory(base: url.deletingLastPathComponent().path, path: url.path, jobID: id,
                            name: url.lastPathComponent, modes: ReportModes.of(directory: url.path))
    }
}
