# heed — the two commands are `make run` and `make test` (see README.md).
#
#   make build   release build in build/ (build/heed)
#   make run     build, create heed-data/ with a demo team once, serve on :8080
#   make test    ASan+UBSan build, unit tests, end-to-end tests, the web app
#                in headless Chromium, fuzz smoke;
#                the last line is "N passed, N failed"
#   make fuzz    run every fuzzer for FUZZ_SECONDS (default 60) each
#   make bench   seed 1M tickets / 5M messages and measure (see bench/README.md)

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
DATA        ?= heed-data
LISTEN      ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60

.PHONY: all deps build asan fuzz-build run test fuzz bench bench-mail bench-timers bench-metrics \
	clean node_modules

all: build

deps:
	@scripts/install-deps.sh

node_modules: package-lock.json
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release -Db_ndebug=false

# node_modules: esbuild and Preact bundle the web app (web/) during the build
build: deps node_modules $(BUILD)/build.ninja
	@ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dtests=true -Dtest_clock=true

asan: deps node_modules $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzz=true

fuzz-build: deps node_modules $(FUZZ_BUILD)/build.ninja
	@ninja -C $(FUZZ_BUILD)

run: build
	@scripts/run-demo.sh $(BUILD)/heed $(DATA) $(LISTEN)

test: asan fuzz-build node_modules
	@node tests/run.mjs --build $(ASAN_BUILD) --fuzz-build $(FUZZ_BUILD)

fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@bench/run.sh $(BUILD)/heed

bench-mail: build node_modules
	@node bench/mail.mjs $(BUILD)/heed

# the metrics API over 1M tickets worked in 30 days (bench/README.md)
bench-metrics: build
	@bench/metrics.sh $(BUILD)/heed

# 1M open tickets with an SLA timer each; fire 20,000 due ones (bench/README.md)
bench-timers: build
	@rm -rf bench/data-timers && $(BUILD)/heed init --data bench/data-timers >/dev/null && \
		$(BUILD)/heed-bench-timers bench/data-timers $(or $(TICKETS),1000000) 20000; \
		rc=$$?; rm -rf bench/data-timers; exit $$rc

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
