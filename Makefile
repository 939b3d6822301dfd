# exfilguard build. `make` builds build/exfilguard with the BPF object embedded
# through a libbpf skeleton; `make test` runs unit and end-to-end tests.

CC        ?= cc
CLANG     ?= clang
BPFTOOL   ?= bpftool
PKGS      := libbpf yaml-0.1 json-c libmaxminddb zlib libcrypto
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

BUILD     ?= build
SANITIZE  ?=
CFLAGS    ?= -O2 -g
# Recursive (=) on purpose: pkg-config runs when a recipe does, after `deps`
# has installed the packages on a fresh machine.
# -Wformat-truncation is off as in the kernel: paths are bounded by PATH_MAX by design.
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -D_GNU_SOURCE -I$(BUILD) -Iuser -Iuser/data -Imaps -Itests/lib \
             $(SANITIZE)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
LDFLAGS   += $(SANITIZE)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lelf

BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror \
              $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

USER_SRCS := $(wildcard user/*.c user/data/*.c)
# Everything but main.c also links into the unit tests.
LIB_SRCS  := $(filter-out user/main.c,$(USER_SRCS))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TEST_LIB  := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/lib/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
E2E_BINS  := $(patsubst tests/e2e/%.c,$(BUILD)/tests/%,$(wildcard tests/e2e/test_*.c))
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(filter-out tools/fuzz_%.c tools/%.bpf.c,$(wildcard tools/*.c)))

.PHONY: all deps run data-fetch test test-unit test-e2e test-sanitize fuzz fuzz-smoke bench format clean
# Keep objects make considers intermediate (and say nothing about them).
.SECONDARY:
all: $(BUILD)/exfilguard

# Installs missing Debian packages (needs root then); instant when all are there.
deps:
	@tools/install-deps.sh

$(BUILD)/exfilguard.bpf.o: bpf/exfilguard.bpf.c $(wildcard bpf/*.h maps/*.h) | deps
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/exfilguard.skel.h: $(BUILD)/exfilguard.bpf.o
	$(BPFTOOL) gen skeleton $< name exfilguard_bpf > $@.tmp && mv $@.tmp $@

# The bench's LPM-trie baseline (not part of exfilguard).
$(BUILD)/bench_lpm.bpf.o: tools/bench_lpm.bpf.c tools/bench_lpm.h | deps
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench_lpm.skel.h: $(BUILD)/bench_lpm.bpf.o
	$(BPFTOOL) gen skeleton $< name bench_lpm_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/tools/bench.o: $(BUILD)/bench_lpm.skel.h tools/bench_lpm.h

$(BUILD)/obj/%.o: %.c $(BUILD)/exfilguard.skel.h $(wildcard user/*.h user/data/*.h tests/lib/*.h bpf/*.h maps/*)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/exfilguard: $(BUILD)/obj/user/main.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_OBJS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/test_e2e%: $(BUILD)/obj/tests/e2e/test_e2e%.o $(LIB_OBJS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

POLICY   ?= examples/policy.yaml
DATA_DIR ?= data
ARGS     ?=
# The guard itself, on this host (root), on the real datasets (fetched once).
run: $(BUILD)/exfilguard $(DATA_DIR)/SOURCES.json
	$(BUILD)/exfilguard run --policy $(POLICY) $(ARGS)

$(DATA_DIR)/SOURCES.json: | $(BUILD)/exfilguard
	$(BUILD)/exfilguard data fetch $(DATA_DIR)

# Re-fetch the datasets (replaced only once the new copies are verified).
data-fetch: $(BUILD)/exfilguard
	$(BUILD)/exfilguard data fetch $(DATA_DIR)

# Unit tests need no privileges; end-to-end tests need root and a BPF-capable kernel.
test-unit: $(BUILD)/exfilguard $(UNIT_BINS)
	EXFILGUARD=$(abspath $(BUILD)/exfilguard) tests/run.sh $(UNIT_BINS)

test-e2e: $(BUILD)/exfilguard $(E2E_BINS) $(TOOL_BINS)
	EXFILGUARD=$(abspath $(BUILD)/exfilguard) tests/run.sh $(E2E_BINS)

test: $(BUILD)/exfilguard $(UNIT_BINS) $(E2E_BINS) $(TOOL_BINS)
	EXFILGUARD=$(abspath $(BUILD)/exfilguard) tests/run.sh $(UNIT_BINS) $(E2E_BINS)

# All tests again, the binary and the tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	$(MAKE) BUILD=build/sanitize \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  test

# Benchmarks (root): datasets to kernel maps (time, peak memory, kernel memory)
# and the kernel's verdict cost, side by side. Figures go in BENCHMARKS.md.
BENCH_DIR := $(BUILD)/bench
bench: $(BUILD)/tools/bench $(DATA_DIR)/SOURCES.json
	@mkdir -p $(BENCH_DIR)/fixtures
	@perl tools/gen_fixtures.pl $(BENCH_DIR)/fixtures
	@printf 'data:\n  country: %s\n  asn: [%s, %s]\nrules:\n  - action: deny\n    country: [KP]\n' \
	  $(abspath $(DATA_DIR))/dbip-country.mmdb $(abspath $(DATA_DIR))/asn-ipv4.csv \
	  $(abspath $(DATA_DIR))/asn-ipv6.csv > $(BENCH_DIR)/full.yaml
	@printf 'data:\n  country: %s\n  asn: [%s]\nrules:\n  - action: deny\n    country: [KP]\n' \
	  $(abspath $(BENCH_DIR))/fixtures/geolite2-country.mmdb \
	  $(abspath $(BENCH_DIR))/fixtures/asn.csv > $(BENCH_DIR)/small.yaml
	@printf 'rules:\n  - action: deny\n    cidr: [198.51.100.0/24]\n' > $(BENCH_DIR)/cidr.yaml
	/usr/bin/time -f "bench: %e s wall, %M KiB peak RSS" \
	  $(BUILD)/tools/bench $(BENCH_DIR)/full.yaml $(BENCH_DIR)/small.yaml $(BENCH_DIR)/cidr.yaml

# Each libFuzzer target for a short while (CI); `make fuzz FUZZ_SECONDS=600` for longer.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst tools/%.c,$(BUILD)/fuzz/%,$(wildcard tools/fuzz_*.c))
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
                -I$(BUILD) -Iuser -Iuser/data -Imaps

$(BUILD)/fuzz/%: tools/%.c $(LIB_SRCS) $(wildcard user/*.h user/data/*.h maps/*.h bpf/*.h) $(BUILD)/exfilguard.skel.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) $< $(LIB_SRCS) $(PKG_LIBS) -o $@

fuzz-smoke: $(FUZZ_TARGETS)
	@for f in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus-$${f##*/}; \
	  echo "== $${f##*/} ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 $(BUILD)/fuzz/corpus-$${f##*/} 2>&1 | tail -n 2 || exit 1; \
	done

fuzz: fuzz-smoke

format:
	clang-format -i $(wildcard bpf/*.c bpf/*.h user/*.c user/*.h user/data/*.c user/data/*.h maps/*.h tests/*/*.c tests/*/*.h tools/*.c)

clean:
	rm -rf build
