# Python scanner: throughput benchmark (a separate command, never a timed test).
# Compiles the scanner sources straight into a small binary with -O (no package target).
SCANNER_BENCH_FIXTURES := $(addprefix Tests/Fixtures/python/,qemu_style_test.py structure_edge.py strings_edge.py tabs.py)
.PHONY: bench-scanner
bench-scanner:
	@mkdir -p build/scanner-bench.d
	cd build/scanner-bench.d && swiftc -O -wmo -module-name ScannerBench \
	  $(addprefix $(CURDIR)/,$(wildcard Sources/QCoordCore/Python/*.swift)) $(CURDIR)/scripts/bench/scanner/main.swift -o scanner-bench
	build/scanner-bench.d/scanner-bench $(SCANNER_BENCH_FIXTURES)
