# Thin wrapper over meson/ninja. The real build is meson.build.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
PREFIX     ?= /usr/local

.PHONY: all deps build test test-fast fuzz demo bench install format clean

all: build

deps:
	scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Installs what is missing, builds with AddressSanitizer + UBSan and runs
# every test (unit, integration, docs, end-to-end with the real CLIs).
test: deps
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(ASAN_BUILD)
	tests/run $(ASAN_BUILD)

# The same suite on the plain build, without sanitizers (quicker to iterate).
test-fast: build
	tests/run $(BUILD)

# Every libFuzzer target for FUZZ_SECONDS (default 5 min) each, with a
# corpus kept in $(FUZZ_BUILD)/corpus between runs (make test runs them for
# 15 s each, through tests/run).
fuzz: deps
	FUZZ_BUILD=$(abspath $(FUZZ_BUILD)) FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  FUZZ_CORPUS=$(abspath $(FUZZ_BUILD))/corpus tests/fuzz/test-fuzz.sh

# The demo runs fab's scripted agents: no npm CLIs needed, no API key.
demo:
	FAB_SKIP_NPM=1 scripts/install-deps
	$(MAKE) build
	scripts/demo $(BUILD)

bench: build
	BUILD=$(BUILD) bench/run

install: build
	meson install -C $(BUILD) --destdir "$(DESTDIR)"

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
