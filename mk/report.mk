# Reports (issue 7): results.html, JUnit, live progress, --json-events, `qcoord jobs`.
# The renderer unit tests and the integration tests (a real job read by `avocado jobs show`,
# validated against docs/junit.xsd, its events parsed) run in `make check` through test-swift.
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.PHONY: check-report check-html

# The report suites alone.
check-report: build
	QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter 'ResultsHTMLRendererTests|TimelineLayoutTests|ResultsXMLRendererTests|JobEventJSONRendererTests|ProgressLineTests|JobsRendererTests|ReportCommandTests'

# results.html of a real job (2 local slots) in headless Chromium; screenshot in
# build/artifacts/results-html.png. About 40 s.
check-html: build
	@test -n "$(CHROMIUM)" || { echo "check-html: no chromium (scripts/setup.sh installs Debian's 'chromium')"; exit 1; }
	QCOORD_CHROMIUM=$(CHROMIUM) QCOORD_AVOCADO113=$(CURDIR)/$(VENV113) $(SWIFT) test $(BUILD_FLAGS) \
	  --filter ResultsHTMLChromiumTests
CHECK_TARGETS += check-html
