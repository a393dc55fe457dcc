# The reference portal's load benchmark (issue 14): code checks and logins
# per second over HTTP with 50 concurrent clients on loopback, at HEAD and at
# the start of the portal-hardening branch. Included by the Makefile.

.PHONY: bench-portal

## bench-portal: portal/load_test.go's figures, before and after, into
## docs/bench-portal.md (bench/portal/run.sh says how).
bench-portal:
	./scripts/need-go.sh
	bench/portal/run.sh docs/bench-portal.md
