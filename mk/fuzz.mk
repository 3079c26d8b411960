# Fuzzing (issue 6): libFuzzer targets for every parser that reads untrusted text.
# fuzz/ is their one home: the harnesses (fuzz/*.swift), dictionaries (fuzz/dict), seeds
# (fuzz/seeds) and the saved corpora (fuzz/corpus/<target>).
# `make fuzz` builds them into .build-fuzz (swiftc -sanitize=fuzzer,address over the
# sources; no package target) and runs each for FUZZ_RUNS executions, printing the counts.
# Not part of `make check`: `make check` replays fuzz/corpus/ through test-swift
# (Tests/QCoordCoreTests/Fuzz, Tests/QCoordRunTests/Fuzz). `make fuzz-merge` minimizes the
# work corpus into fuzz/corpus/<target>/. A crash leaves its input in
# .build-fuzz/artifacts/<target>/: fix the bug, then copy the input into fuzz/corpus/<target>/.
FUZZ_DIR := .build-fuzz
FUZZ_RUNS ?= 1000000
# FUZZ_TIME=seconds also stops each target after that long (a smoke run: FUZZ_TIME=60).
FUZZ_TIME ?=
FUZZ_TARGETS := scanner tags protocol inventory
FUZZ_SANITIZE := -sanitize=fuzzer,address
FUZZ_SWIFTC := swiftc $(FUZZ_SANITIZE) -parse-as-library -O
# -ldflags: ld.gold warns about every ASan local symbol; the warnings mean nothing.
FUZZ_FILTER := grep -v "Cannot export local symbol" || true
YAMS_DIR := .build/checkouts/Yams/Sources
CORE_SOURCES := $(shell find Sources/QCoordCore -name '*.swift')
# libFuzzer options common to every target: 10 s per input is a hang; 2 GiB is a leak.
FUZZ_OPTS := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $(if $(FUZZ_TIME),-max_total_time=$(FUZZ_TIME))
# Swift and Foundation allocate on every step: without malloc stack traces and the free
# quarantine ASan runs about twice as fast, and still sees every bad access.
FUZZ_ASAN_OPTIONS := malloc_context_size=0:quarantine_size_mb=0
FUZZ_MAXLEN_scanner := 8192
FUZZ_MAXLEN_tags := 512
FUZZ_MAXLEN_protocol := 1024
FUZZ_MAXLEN_inventory := 2048
FUZZ_SEEDS_scanner := Tests/Fixtures/python Tests/Fixtures/corpus examples/tests
FUZZ_SEEDS_tags := fuzz/seeds/tags
FUZZ_SEEDS_protocol := $(FUZZ_DIR)/seeds/protocol
FUZZ_SEEDS_inventory := fuzz/seeds/inventory

.PHONY: fuzz fuzz-build fuzz-merge fuzz-report $(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz-$$t || exit 1; done
	@$(MAKE) --no-print-directory fuzz-report

# The executions of the last run of each target, from its log.
fuzz-report:
	@echo "== fuzz: executions per target (last run) =="
	@for t in $(FUZZ_TARGETS); do \
	  log=$(FUZZ_DIR)/$$t.log; [ -f $$log ] || { echo "fuzz $$t: not run"; continue; }; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	  crash=$$(grep -m1 -E "^==[0-9]+==ERROR|^SUMMARY: libFuzzer|deadly signal|Fatal error" $$log); \
	  echo "fuzz $$t: $${runs:-?} executions, $${crash:-no crash}, corpus $$(ls $(FUZZ_DIR)/corpus/$$t | wc -l) files"; \
	done

fuzz-build: $(addprefix $(FUZZ_DIR)/fuzz-,$(FUZZ_TARGETS)) $(FUZZ_DIR)/seeds/protocol/.done

# QCoordCore's ArchName.table is generated from agents/arch_aliases.json (in the package
# build by Plugins/EmbedArchTable); here the same tool is compiled and run by hand.
$(FUZZ_DIR)/agent-embedder: Sources/AgentEmbedder/main.swift
	@mkdir -p $(FUZZ_DIR)
	swiftc -O $< -o $@
$(FUZZ_DIR)/ArchTable.swift: agents/arch_aliases.json $(FUZZ_DIR)/agent-embedder
	$(FUZZ_DIR)/agent-embedder arch-table $< $@

$(FUZZ_DIR)/libQCoordCore.a: $(CORE_SOURCES) $(FUZZ_DIR)/ArchTable.swift
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_SWIFTC) -module-name QCoordCore -emit-library -static -emit-module \
	  -emit-module-path $(FUZZ_DIR)/QCoordCore.swiftmodule -o $@ $(CORE_SOURCES) $(FUZZ_DIR)/ArchTable.swift

# Yams for the inventory target: libyaml (C) with coverage, then the Swift module.
$(YAMS_DIR)/Yams/Yams.h:
	$(SWIFT) package resolve

$(FUZZ_DIR)/libCYaml.a: $(YAMS_DIR)/Yams/Yams.h
	@mkdir -p $(FUZZ_DIR)/cyaml
	for c in $(YAMS_DIR)/CYaml/src/*.c; do \
	  clang -fsanitize=fuzzer-no-link,address -O1 -DYAML_DECLARE_STATIC -I$(YAMS_DIR)/CYaml/include \
	    -c $$c -o $(FUZZ_DIR)/cyaml/$$(basename $$c .c).o || exit 1; done
	ar rcs $@ $(FUZZ_DIR)/cyaml/*.o

$(FUZZ_DIR)/libYams.a: $(FUZZ_DIR)/libCYaml.a
	$(FUZZ_SWIFTC) -module-name Yams -D SWIFT_PACKAGE -emit-library -static -emit-module \
	  -Xcc -DYAML_DECLARE_STATIC -I $(YAMS_DIR)/CYaml/include \
	  -emit-module-path $(FUZZ_DIR)/Yams.swiftmodule -o $@ $(wildcard $(YAMS_DIR)/Yams/*.swift)

$(FUZZ_DIR)/fuzz-scanner: fuzz/ScannerFuzz.swift $(FUZZ_DIR)/libQCoordCore.a
	$(FUZZ_SWIFTC) -I $(FUZZ_DIR) $(filter %.swift,$^) $(FUZZ_DIR)/libQCoordCore.a -o $@ 2>&1 | $(FUZZ_FILTER)
$(FUZZ_DIR)/fuzz-tags: fuzz/TagFilterFuzz.swift fuzz/TagFuzzing.swift $(FUZZ_DIR)/libQCoordCore.a
	$(FUZZ_SWIFTC) -I $(FUZZ_DIR) $(filter %.swift,$^) $(FUZZ_DIR)/libQCoordCore.a -o $@ 2>&1 | $(FUZZ_FILTER)
$(FUZZ_DIR)/fuzz-protocol: fuzz/ProtocolFuzz.swift fuzz/ProtocolFuzzing.swift $(FUZZ_DIR)/libQCoordCore.a
	$(FUZZ_SWIFTC) -I $(FUZZ_DIR) $(filter %.swift,$^) $(FUZZ_DIR)/libQCoordCore.a -o $@ 2>&1 | $(FUZZ_FILTER)
# The inventory loader lives in QCoordRun (which needs libssh); only its two files are compiled in.
$(FUZZ_DIR)/fuzz-inventory: fuzz/InventoryFuzz.swift $(wildcard Sources/QCoordRun/Inventory/*.swift) $(FUZZ_DIR)/libQCoordCore.a $(FUZZ_DIR)/libYams.a
	$(FUZZ_SWIFTC) -I $(FUZZ_DIR) -Xcc -DYAML_DECLARE_STATIC -I $(YAMS_DIR)/CYaml/include \
	  $(filter %.swift,$^) $(FUZZ_DIR)/libQCoordCore.a $(FUZZ_DIR)/libYams.a $(FUZZ_DIR)/libCYaml.a -o $@ 2>&1 | $(FUZZ_FILTER)

# One seed per line of the recorded agent transcript.
$(FUZZ_DIR)/seeds/protocol/.done: Tests/Fixtures/protocol/agent-transcript.jsonl
	@mkdir -p $(@D)
	split -l 1 -a 3 $< $(@D)/line-
	cp $< $(@D)/transcript
	@touch $@

# Each run starts from the work corpus, the saved regressions and the seeds; new inputs go
# to the work corpus. The summary line is what `make fuzz` prints.
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: $(FUZZ_DIR)/fuzz-% $(FUZZ_DIR)/seeds/protocol/.done
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/artifacts/$* fuzz/corpus/$*
	ASAN_OPTIONS=$(FUZZ_ASAN_OPTIONS) $(FUZZ_DIR)/fuzz-$* $(FUZZ_OPTS) -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAXLEN_$*) \
	  $(if $(wildcard fuzz/dict/$*.dict),-dict=fuzz/dict/$*.dict) \
	  -artifact_prefix=$(FUZZ_DIR)/artifacts/$*/ \
	  $(FUZZ_DIR)/corpus/$* fuzz/corpus/$* $(FUZZ_SEEDS_$*) > $(FUZZ_DIR)/$*.log 2>&1; \
	  status=$$?; tail -n 25 $(FUZZ_DIR)/$*.log; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/$*.log); \
	  secs=$$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $(FUZZ_DIR)/$*.log); \
	  verdict=$$([ $$status = 0 ] && echo "no crash" || echo "FAILED: see $(FUZZ_DIR)/$*.log, input in $(FUZZ_DIR)/artifacts/$*/"); \
	  echo "fuzz $*: $${runs:-?} executions$${secs:+ in $$secs s}, $$verdict, corpus $$(ls $(FUZZ_DIR)/corpus/$* | wc -l) files" | tee $(FUZZ_DIR)/$*.summary; \
	  exit $$status

# Minimizes the saved corpus plus the work corpus into fuzz/corpus/<target>/ (a few
# hundred small files at most) from a snapshot (a running fuzzer renames its files). Regression inputs (crash-*, timeout-*, oom-*) are kept as they are.
# Edges only (-use_counters=0) and inputs up to FUZZ_MERGE_MAXLEN: a corpus small enough to
# replay in a few seconds. FUZZ_MERGE=target limits it to one target.
FUZZ_MERGE_MAXLEN ?= 2048
FUZZ_MERGE ?= $(FUZZ_TARGETS)
fuzz-merge: fuzz-build
	@for t in $(FUZZ_MERGE); do \
	  rm -rf $(FUZZ_DIR)/merged/$$t $(FUZZ_DIR)/snapshot/$$t && mkdir -p $(FUZZ_DIR)/merged/$$t $(FUZZ_DIR)/snapshot fuzz/corpus/$$t && \
	  { cp -r $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/snapshot/$$t 2>/dev/null; true; } && \
	  ASAN_OPTIONS=$(FUZZ_ASAN_OPTIONS) $(FUZZ_DIR)/fuzz-$$t -merge=1 -use_counters=0 -max_len=$(FUZZ_MERGE_MAXLEN) $(FUZZ_DIR)/merged/$$t fuzz/corpus/$$t $(FUZZ_DIR)/snapshot/$$t \
	    > $(FUZZ_DIR)/$$t.merge.log 2>&1 || { tail $(FUZZ_DIR)/$$t.merge.log; exit 1; }; \
	  find fuzz/corpus/$$t -type f ! -name 'crash-*' ! -name 'timeout-*' ! -name 'oom-*' -delete; \
	  for f in $(FUZZ_DIR)/merged/$$t/*; do [ -e "$$f" ] && cp "$$f" fuzz/corpus/$$t/; done; \
	  echo "fuzz-merge $$t: $$(ls fuzz/corpus/$$t | wc -l) files, $$(du -sk fuzz/corpus/$$t | cut -f1) KiB"; \
	done
