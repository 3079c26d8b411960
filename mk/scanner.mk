# Python scanner: throughput benchmark (a separate command, never a timed test).
.PHONY: bench-scanner
bench-scanner:
	@mkdir -p build
	swiftc -O -wmo -module-name ScannerBench Sources/QCoordCore/Python/*.swift scripts/bench/scanner/main.swift -o build/scanner-bench
	build/scanner-bench Tests/Fixtures/python/qemu_style_test.py Tests/Fixtures/python/structure_edge.py Tests/Fixtures/python/strings_edge.py Tests/Fixtures/python/tabs.py
