# consortia: `make run` serves the demo; `make test` runs every test.
# Both install what is missing (as root), build, and start a private
# PostgreSQL under .local/ unless DATABASE_URL (run) / TEST_DATABASE_URL
# (test) names a database to use instead.

SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build run test test-plain test-asan lint bench clean distclean

all: build

deps:
	@bash tools/deps.sh
	@bash tools/docs-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
	  -Db_lundef=false -Dc_args=-fno-sanitize-recover=all

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@bash tools/run.sh $(BUILD)

test: deps $(BUILD)/build.ninja $(ASAN_BUILD)/build.ninja
	@bash tools/test.sh $(BUILD) $(ASAN_BUILD)

# One pass only, for a quicker loop while working.
test-plain: deps $(BUILD)/build.ninja
	@bash tools/test.sh $(BUILD)

test-asan: deps $(ASAN_BUILD)/build.ninja
	@bash tools/test.sh $(ASAN_BUILD)

lint: deps
	@bash tools/contract-deps.sh && bash tests/contract/lint.sh openapi.yaml

bench: deps $(BUILD)/build.ninja
	@bash tools/deps.sh --bench && bash bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

distclean: clean
	-bash tools/pg.sh stop
	rm -rf .local tests/contract/node_modules docs/node_modules
