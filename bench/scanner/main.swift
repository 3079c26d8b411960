// Throughput benchmark of the Python scanner (run with `make bench-scanner`).
// Compiled together with Sources/QCoordCore/Python/*.swift by swiftc -O, so it needs no
// package target. Scans one large generated module built from the fixture files.
import Foundation

/// CPU time of this process in seconds: the machine is shared, and wall time would mostly
/// measure the other processes.
func cpuSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let args = CommandLine.arguments.dropFirst()
var unit: [UInt8] = []
for path in args {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write("cannot read \(path)\n".data(using: .utf8)!)
        exit(2)
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    // Normalise line endings so that files can be concatenated.
    bytes = bytes.filter { $0 != 0x0D }
    unit += bytes
    if unit.last != 0x0A { unit.append(0x0A) }
}
var big: [UInt8] = []
while big.count < 16 << 20 { big += unit }

func measure(_ label: String, _ bytes: [UInt8], repeats: Int) {
    var best = Double.infinity
    var classes = 0
    for _ in 0..<repeats {
        let start = cpuSeconds()
        switch PythonScanner.scan(bytes) {
        case .success(let module): classes = module.classes.count
        case .failure(let error): print("error: \(error)"); exit(1)
        }
        let seconds = (cpuSeconds() - start)
        best = min(best, seconds)
    }
    let mb = Double(bytes.count) / 1_048_576
    print(String(format: "%@: %.1f MB in %.2f ms CPU → %.0f MB/s (%d classes)", label, mb, best * 1000, mb / best, classes))
}

measure("one generated module", big, repeats: 5)

// Many small files, as a resolver sees them.
let files = Array(repeating: unit, count: 300)
var bestMany = Double.infinity
for _ in 0..<5 {
    let start = cpuSeconds()
    var methods = 0
    for file in files {
        if case .success(let module) = PythonScanner.scan(file) {
            methods += module.classes.reduce(0) { $0 + $1.methods.count }
        }
    }
    bestMany = min(bestMany, (cpuSeconds() - start))
    precondition(methods > 0)
}
let totalMB = Double(unit.count * files.count) / 1_048_576
print(String(format: "300 files of %d bytes: %.2f ms CPU → %.0f MB/s", unit.count, bestMany * 1000, totalMB / bestMany))

// Breakdown: UTF-8 validation alone, tokenizing alone.
func timeBest(_ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = cpuSeconds()
        body()
        best = min(best, (cpuSeconds() - start))
    }
    return best
}
let validate = timeBest { for file in files { precondition(PythonTokenizer.validateUTF8(file, from: 0) == nil) } }
let tokenizeOnly = timeBest { for file in files { if case .failure = PythonTokenizer.tokenize(file, includeTrivia: false) { exit(1) } } }
print(String(format: "  of which UTF-8 validation %.2f ms, tokenizing (incl. validation) %.2f ms", validate * 1000, tokenizeOnly * 1000))

// Real code: every .py file directly in $SCANNER_BENCH_CORPUS (e.g. the Python stdlib), one scan per file.
if let corpus = ProcessInfo.processInfo.environment["SCANNER_BENCH_CORPUS"],
   let names = try? FileManager.default.contentsOfDirectory(atPath: corpus) {
    let sources = names.filter { $0.hasSuffix(".py") }.sorted().compactMap {
        FileManager.default.contents(atPath: corpus + "/" + $0).map { [UInt8]($0) }
    }
    let total = sources.reduce(0) { $0 + $1.count }
    var ok = 0
    let seconds = timeBest {
        ok = 0
        for source in sources { if case .success = PythonScanner.scan(source) { ok += 1 } }
    }
    let mb = Double(total) / 1_048_576
    print(String(format: "corpus %@: %d files (%d scanned without error), %.1f MB in %.2f ms CPU → %.0f MB/s",
                 corpus, sources.count, ok, mb, seconds * 1000, mb / seconds))
}

// A realistic test module: 300 copies of the first file (a QEMU-style Avocado test).
if let first = CommandLine.arguments.dropFirst().first, let data = FileManager.default.contents(atPath: first) {
    let one = [UInt8](data)
    let copies = Array(repeating: one, count: 300)
    var tests = 0
    let seconds = timeBest {
        tests = 0
        for file in copies {
            if case .success(let module) = PythonScanner.scan(file) {
                tests += module.classes.reduce(0) { $0 + $1.methods.filter { $0.name.hasPrefix("test") }.count }
            }
        }
    }
    let mb = Double(one.count * copies.count) / 1_048_576
    print(String(format: "300 copies of %@ (%d bytes, %d test methods in all): %.2f ms CPU → %.0f MB/s",
                 (first as NSString).lastPathComponent, one.count, tests, seconds * 1000, mb / seconds))
}
