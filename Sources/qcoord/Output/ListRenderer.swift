import QCoordCore

/// The text and JSON forms of `qcoord list`, modelled on `avocado list`.
struct ListRenderer {
    let resolution: Resolution
    /// Indices in `resolution.entries` of what is shown: tests the filter keeps, MISSING
    /// entries where they stood.
    let shownIndices: [Int]

    init(resolution: Resolution, filter: TagFilter) {
        self.resolution = resolution
        shownIndices = resolution.entries.indices.filter { index in
            let entry = resolution.entries[index]
            return entry.kind == .missing || filter.matches(entry.tags)
        }
    }

    /// The shown entries with the loader that resolved each (verbose output only).
    var shown: [(entry: TestCase, loader: String)] {
        var loaderOf = [String](repeating: "", count: resolution.entries.count)
        for report in resolution.reports {
            for index in report.entries { loaderOf[index] = report.resolvedBy ?? "" }
        }
        return shownIndices.map { (resolution.entries[$0], loaderOf[$0]) }
    }

    /// Columns padded to their widest cell (in code points, as Python's `len`), joined by one
    /// space, trailing blanks removed. Built as bytes: listings run to thousands of lines.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        var lengths = rows.map { row in row.map { cell in cell.unicodeScalars.count } }
        for row in lengths { for (i, length) in row.enumerated() { widths[i] = max(widths[i], length) } }
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * (widths.reduce(0, +) + columns))
        for (r, row) in rows.enumerated() {
            let lineStart = out.count
            for (i, cell) in row.enumerated() {
                if i > 0 { out.append(0x20) }
                out.append(contentsOf: cell.utf8)
                if i < row.count - 1 {
                    out.append(contentsOf: repeatElement(0x20, count: widths[i] - lengths[r][i]))
                }
            }
            while out.count > lineStart, out.last == 0x20 { out.removeLast() }
            out.append(0x0A)
        }
        lengths.removeAll()
        return String(decoding: out, as: UTF8.self)
    }

    func plain() -> String {
        Self.table(shownIndices.map { [resolution.entries[$0].kind.rawValue, resolution.entries[$0].name] })
    }

    func verbose() -> String {
        var rows = [["Type", "Test", "Uri", "Loader", "Tag(s)"]]
        for (entry, loader) in shown {
            rows.append([entry.kind.rawValue, entry.name, entry.uri, loader, entry.tags.listDescription])
        }
        var out = Self.table(rows)

        let rejected = resolution.unresolved
        if !rejected.isEmpty {
            var why = [["Loader", "Reference", "Info"]]
            for report in rejected {
                for attempt in report.attempts { why.append([attempt.loader, report.reference, attempt.info]) }
                if report.attempts.isEmpty { why.append(["-", report.reference, "no loader configured"]) }
            }
            out += "\nUNRESOLVED REFERENCES\n=====================\n" + Self.table(why)
        }
        out += functionalDetails()
        out += assetDetails()
        if !resolution.parseErrors.isEmpty {
            out += "\nPARSE ERRORS\n============\n"
            for error in resolution.parseErrors { out += error.description + "\n" }
        }
        out += "\nTEST TYPES SUMMARY\n==================\n"
        var types: [String: Int] = [:]
        for (entry, _) in shown { types[entry.kind.rawValue, default: 0] += 1 }
        for key in types.keys.sorted() { out += "\(key): \(types[key] ?? 0)\n" }
        var tagCounts: [String: Int] = [:]
        for (entry, _) in shown { for key in entry.tags.keys { tagCounts[key, default: 0] += 1 } }
        if !tagCounts.isEmpty {
            out += "\nTEST TAGS SUMMARY\n=================\n"
            for key in tagCounts.keys.sorted() { out += "\(key): \(tagCounts[key] ?? 0)\n" }
        }
        return out
    }

    /// `[{"type": …, "id": …, "uri": …, "tags": {…}, "arch": …}]`, one test per line.
    func json() -> String {
        if shownIndices.isEmpty { return "[]\n" }
        let objects = shownIndices.map { index -> String in
            let entry = resolution.entries[index]
            let tags = entry.tags.keys.map { key -> String in
                let values = entry.tags[key] ?? []
                let value = values.isEmpty ? "null" : "[" + values.sorted().map(Self.quote).joined(separator: ", ") + "]"
                return "\(Self.quote(key)): \(value)"
            }.joined(separator: ", ")
            let arch = entry.arch.map(Self.quote) ?? "null"
            return "  {\"type\": \(Self.quote(entry.kind.rawValue)), \"id\": \(Self.quote(entry.name)), "
                + "\"uri\": \(Self.quote(entry.uri)), \"tags\": {\(tags)}, \"arch\": \(arch)"
                + (entry.functional.map(Self.functionalJSON) ?? "")
                + (entry.functional != nil || entry.assets != nil ? ", \"assets\": " + Self.assetsJSON(entry.assets ?? []) : "") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// A FUNCTIONAL entry's extra members (docs/list.schema.json): its unittest id, one item per
    /// meson test that runs its file, and what its code declares.
    static func functionalJSON(_ f: FunctionalTest) -> String {
        let meson = f.meson.map { m in
            "{\"target\": \(quote(m.target)), \"suite\": \(quote(m.speed.rawValue)), \"timeout\": \(m.timeout), "
                + "\"name\": \(quote(m.mesonName)), \"mode\": \(quote(m.mode.rawValue)), \"file\": \(quote(m.file))}"
        }
        return ", \"unittest_id\": \(quote(f.unittestID)), \"meson\": [\(meson.joined(separator: ", "))], "
            + "\"requires_kvm\": \(f.requiresKVM), \"skips\": [\(f.skips.map(quote).joined(separator: ", "))]"
    }

    /// `[{"url", "hash", "algorithm", "name", "locations", "unknown"}]` (docs/assets.md); null for what is not known.
    static func assetsJSON(_ assets: [AssetRef]) -> String {
        "[" + assets.map(assetJSON).joined(separator: ", ") + "]"
    }

    static func assetJSON(_ a: AssetRef) -> String {
        func value(_ s: String?) -> String { s.map(quote) ?? "null" }
        return "{\"url\": \(value(a.url)), \"hash\": \(value(a.hash)), \"algorithm\": \(value(a.algorithm?.rawValue)), "
            + "\"name\": \(value(a.name)), \"locations\": [\(a.locations.map(quote).joined(separator: ", "))], "
            + "\"unknown\": \(value(a.unknown))}"
    }

    /// One line per asset for `-V`: the URL (or name and locations) and hash, or why unknown.
    static func assetLine(_ a: AssetRef) -> String {
        guard let place = a.url ?? a.name else { return "unknown: " + (a.unknown ?? "no url") }
        var line = place
        if !a.locations.isEmpty { line += " (locations: " + a.locations.joined(separator: ", ") + ")" }
        if let key = a.contentKey { line += " " + key } else if a.unknown == nil { line += " (no hash)" }
        if let unknown = a.unknown { line += " (unknown: \(unknown))" }
        return line
    }

    /// `-V`: per FUNCTIONAL test, its unittest id, meson tests (target, suites, timeout), KVM,
    /// skip decorators and declared assets.
    func functionalDetails() -> String {
        var out = ""
        for (entry, _) in shown {
            guard let f = entry.functional else { continue }
            out += entry.name + "\n"
            out += "  unittest id: \(f.unittestID)\n"
            if f.meson.isEmpty { out += "  meson: none (no meson.build names this file)\n" }
            for m in f.meson {
                out += "  meson: \(m.mesonName) (target \(m.target), \(m.mode.rawValue), suites \(m.suites.joined(separator: " ")), timeout \(m.timeout) s)\n"
            }
            if f.requiresKVM { out += "  requires KVM\n" }
            for skip in f.skips { out += "  skip: @\(skip)\n" }
            for asset in entry.assets ?? [] { out += "  asset: \(Self.assetLine(asset))\n" }
        }
        return out.isEmpty ? "" : "\nFUNCTIONAL TESTS\n================\n" + out
    }

    /// `-V`: the assets of the other tests (Avocado's `fetch_asset` calls).
    func assetDetails() -> String {
        var out = ""
        for (entry, _) in shown where entry.functional == nil {
            guard let assets = entry.assets, !assets.isEmpty else { continue }
            out += entry.name + "\n"
            for asset in assets { out += "  asset: \(Self.assetLine(asset))\n" }
        }
        return out.isEmpty ? "" : "\nASSETS\n======\n" + out
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
