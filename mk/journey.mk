# The real window's journey: the README's screenshots and the benchmarks
# (issue 5). Included by the Makefile.

SCREENSHOTS_DIR := docs/screenshots

.PHONY: screenshots bench

## screenshots: the README's pictures, taken from the real window while
## TestJourneyInRealWindow drives the journey (light theme, 860×680, guide
## panel hidden but for one picture), into docs/screenshots/.
screenshots: deps-test
	rm -f $(SCREENSHOTS_DIR)/*.png
	PARTNERSECURITY_SCREENSHOTS=$(CURDIR)/$(SCREENSHOTS_DIR) \
		./scripts/with-desktop.sh $(GO) test -count=1 -timeout 10m -run '^TestJourneyInRealWindow$$/^light$$' -v ./e2e
	@ls $(SCREENSHOTS_DIR)

## bench: launch time and memory of the app beside Chromium and a bare Fyne
## window, the journey's actions and HTTP round trips, and the portal and
## client benchmarks; writes docs/bench.md.
bench: deps-test
	./scripts/apt-install.sh chromium procps
	./scripts/with-desktop.sh bench/run.sh docs/bench.md

.PHONY: bench-share

## bench-share: from a change on the reseller's screen to the help desk's
## live view (sharing with the help desk, issue 16), 100 changes through the
## real portal on loopback: median and p99.
bench-share: deps-test
	$(GO) test -run '^$$' -bench '^BenchmarkShareToLiveView$$' -benchtime 100x -count 3 ./ui
