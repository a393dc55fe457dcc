# The reference portal's load benchmark (issue 14): code checks and logins
# per second over HTTP with 50 concurrent clients on loopback, at HEAD and at
# the start of the portal-hardening branch. Included by the Makefile.

.PHONY: bench-portal

## bench-portal: portal/load_test.go's figures, before and after, into
## docs/bench-portal.md (bench/portal/run.sh says how).
bench-portal:
	./scripts/need-go.sh
	bench/portal/run.sh docs/bench-portal.md

.PHONY: bench-longpoll

## bench-longpoll: how many support session long polls one portal holds in
## 256 MiB (cmd/portal as its own process, GOMEMLIMIT=256MiB, VmRSS from
## /proc), with the progress-to-watch latency while they are parked, into
## docs/bench-longpoll.md (bench/longpoll); then the long poll benchmarks of
## portal/longpoll_bench_test.go.
bench-longpoll:
	./scripts/need-go.sh
	go build -o bench/longpoll/portal.bin ./cmd/portal
	go run ./bench/longpoll -portal bench/longpoll/portal.bin -polls $${POLLS:-2000} -out docs/bench-longpoll.md
	rm -f bench/longpoll/portal.bin
	go test -run '^$$' -bench 'LongPollWake' -benchtime=100x ./portal/
	go test -run '^$$' -bench 'LongPollTimeout' -benchtime=1x ./portal/
