# exfilguard build. `make` builds build/exfilguard with the BPF object embedded
# through a libbpf skeleton and installs nothing; `make deps` installs the
# Debian packages it needs (tools/install-deps.sh), which the README's two
# commands, `make run` and `make test`, do first.

CC        ?= cc
CLANG     ?= clang
BPFTOOL   ?= bpftool
PKGS      := libbpf yaml-0.1 json-c libmaxminddb zlib libcrypto libsystemd libmicrohttpd
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

BUILD     ?= build
SANITIZE  ?=
CFLAGS    ?= -O2 -g
# Recursive (=) on purpose: the compilers and pkg-config run when a recipe
# does, after `deps` has installed them on a fresh machine.
MULTIARCH  = $(shell $(CC) -print-multiarch 2>/dev/null)
# -Wformat-truncation is off as in the kernel: paths are bounded by PATH_MAX by design.
# -MMD -MP: each object records the headers it included in a .d file next to it.
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -D_GNU_SOURCE -I$(BUILD) -Iuser -Iuser/data -Imaps -Itests/lib \
             -MMD -MP $(SANITIZE)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
LDFLAGS   += $(SANITIZE)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lelf
# ncurses (exfilguard top) is linked, not in PKGS: its --cflags define _XOPEN_SOURCE for every file.
LDLIBS    += $(shell pkg-config --libs ncursesw)

BPF_CFLAGS = -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror -MMD -MP \
             $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

# Sources one directory down too (user/data/*.c and the like).
USER_SRCS := $(wildcard user/*.c user/*/*.c)
# Everything but main.c also links into the unit tests.
LIB_SRCS  := $(filter-out user/main.c,$(USER_SRCS))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TEST_LIB  := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/lib/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
E2E_BINS  := $(patsubst tests/e2e/%.c,$(BUILD)/tests/%,$(wildcard tests/e2e/test_*.c))
BPF_BINS  := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(wildcard tests/bpf/test_*.c))
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(filter-out tools/fuzz_%.c tools/bench_%.c tools/%.bpf.c,$(wildcard tools/*.c))) \
             $(BUILD)/tools/bench
BENCH_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out tools/%.bpf.c,$(wildcard tools/bench_*.c)))
# Every C source and header of the tree, for format and format-check.
FORMAT_SRCS = $(shell find bpf maps user tests tools -name '*.[ch]' | sort)

.PHONY: all deps run data-fetch install uninstall deb test test-unit test-e2e test-bpf test-deploy test-sanitize fuzz fuzz-smoke bench \
	format format-check clean
# Keep objects make considers intermediate (and say nothing about them).
.SECONDARY:
all: $(BUILD)/exfilguard

# Installs missing Debian packages (needs root then); instant when all are there.
deps:
	@tools/install-deps.sh

# The commands that set up a fresh machine (README) install the packages
# before anything is compiled: every compile waits for `deps`.
SETUP := $(if $(filter run test test-deploy bench,$(MAKECMDGOALS)),deps)

$(BUILD)/exfilguard.bpf.o: bpf/exfilguard.bpf.c | $(SETUP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/exfilguard.skel.h: $(BUILD)/exfilguard.bpf.o
	$(BPFTOOL) gen skeleton $< name exfilguard_bpf > $@.tmp && mv $@.tmp $@

# The same maps alone (user/guard_load.c creates them from it).
$(BUILD)/exfilguard_maps.bpf.o: bpf/maps.bpf.c | $(SETUP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/exfilguard_maps.skel.h: $(BUILD)/exfilguard_maps.bpf.o
	$(BPFTOOL) gen skeleton $< name exfilguard_maps_bpf > $@.tmp && mv $@.tmp $@

# The bench's floor: trivial programs on the same hooks (not part of exfilguard).
$(BUILD)/bench_floor.bpf.o: tools/bench_floor.bpf.c | $(SETUP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench_floor.skel.h: $(BUILD)/bench_floor.bpf.o
	$(BPFTOOL) gen skeleton $< name bench_floor_bpf > $@.tmp && mv $@.tmp $@

# The bench's page probe: what one more map page costs a hook (not part of exfilguard).
$(BUILD)/bench_pages.bpf.o: tools/bench_pages.bpf.c | $(SETUP)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench_pages.skel.h: $(BUILD)/bench_pages.bpf.o
	$(BPFTOOL) gen skeleton $< name bench_pages_bpf > $@.tmp && mv $@.tmp $@

# Generated headers must exist before the first compile; after it, the .d
# files say which objects include them.
$(BUILD)/obj/tools/bench_variants.o: | $(BUILD)/bench_floor.skel.h
$(BUILD)/obj/tools/bench_pages.o: | $(BUILD)/bench_pages.skel.h

$(BUILD)/obj/%.o: %.c | $(BUILD)/exfilguard.skel.h $(BUILD)/exfilguard_maps.skel.h $(SETUP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# .incbin'd files are invisible to -MMD.
$(BUILD)/obj/user/catalog_builtin.o: $(wildcard maps/providers.*)

-include $(wildcard $(BUILD)/*.d $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d)

LINK = $(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(BUILD)/exfilguard: $(BUILD)/obj/user/main.o $(LIB_OBJS)
	$(LINK)

$(UNIT_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_OBJS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(LINK)

$(E2E_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/e2e/%.o $(LIB_OBJS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(LINK)

$(BPF_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/bpf/%.o $(LIB_OBJS) $(TEST_LIB)
	@mkdir -p $(@D)
	$(LINK)

$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(LINK)

$(BUILD)/tools/bench: $(BENCH_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(LINK) -lpthread

# Installation (GNU conventions): `make install PREFIX=/usr DESTDIR=/tmp/root`.
# The binary goes to SBINDIR (a system daemon, man section 8); the example
# policy to SYSCONFDIR/exfilguard unless one is there already; the units to
# UNITDIR (systemd also reads /usr/local/lib/systemd/system).
PREFIX        ?= /usr/local
SBINDIR       ?= $(PREFIX)/sbin
DATADIR       ?= $(PREFIX)/share
MANDIR        ?= $(DATADIR)/man
SYSCONFDIR    ?= /etc
UNITDIR       ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
UNITS         := exfilguard.service exfilguard-data.service exfilguard-data.timer
SHIPPED_POLICY := packaging/policy.yaml
INSTALLED_POLICY = $(DESTDIR)$(SYSCONFDIR)/exfilguard/policy.yaml
SUBST_DIRS = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: $(BUILD)/exfilguard
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DATADIR)/exfilguard $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(SYSCONFDIR)/exfilguard
	install -m 0755 $(BUILD)/exfilguard $(DESTDIR)$(SBINDIR)/exfilguard
	install -m 0644 doc/exfilguard.8 $(DESTDIR)$(MANDIR)/man8/exfilguard.8
	install -m 0644 doc/exfilguard-policy.5 $(DESTDIR)$(MANDIR)/man5/exfilguard-policy.5
	install -m 0644 packaging/completion/exfilguard $(DESTDIR)$(COMPLETIONDIR)/exfilguard
	install -m 0644 maps/providers.yaml $(DESTDIR)$(DATADIR)/exfilguard/providers.yaml
	for u in $(UNITS); do \
	  src=packaging/systemd/$$u; [ -e $$src ] || src=$$src.in; \
	  $(SUBST_DIRS) $$src > $(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	@if [ -e $(INSTALLED_POLICY) ]; then \
	  echo "install: kept the existing $(INSTALLED_POLICY)"; \
	else \
	  install -m 0644 $(SHIPPED_POLICY) $(INSTALLED_POLICY); \
	fi

# Removes what install put there; the policy only when it is still the shipped one.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/exfilguard $(DESTDIR)$(MANDIR)/man8/exfilguard.8 \
	  $(DESTDIR)$(MANDIR)/man5/exfilguard-policy.5 $(DESTDIR)$(COMPLETIONDIR)/exfilguard \
	  $(DESTDIR)$(DATADIR)/exfilguard/providers.yaml $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rmdir $(DESTDIR)$(DATADIR)/exfilguard 2>/dev/null || true
	@if cmp -s $(SHIPPED_POLICY) $(INSTALLED_POLICY); then \
	  rm -f $(INSTALLED_POLICY); rmdir $(DESTDIR)$(SYSCONFDIR)/exfilguard 2>/dev/null || true; \
	elif [ -e $(INSTALLED_POLICY) ]; then \
	  echo "uninstall: kept $(INSTALLED_POLICY) (changed since it was installed)"; \
	fi

# A Debian package (build/exfilguard_VERSION_ARCH.deb), built with Debian's
# hardening flags in its own build directory: packaging/debian/build-deb.sh.
deb:
	packaging/debian/build-deb.sh build/deb

POLICY   ?= examples/policy.yaml
DATA_DIR ?= data
ARGS     ?=
# The guard itself, on this host (root), on the real datasets (fetched once).
run: $(BUILD)/exfilguard $(DATA_DIR)/SOURCES.json | $(SETUP)
	$(BUILD)/exfilguard run --policy $(POLICY) $(ARGS)

$(DATA_DIR)/SOURCES.json: | $(BUILD)/exfilguard
	$(BUILD)/exfilguard data fetch $(DATA_DIR)

# Re-fetch the datasets (replaced only once the new copies are verified).
data-fetch: $(BUILD)/exfilguard
	$(BUILD)/exfilguard data fetch $(DATA_DIR)

# Unit tests need no privileges; end-to-end tests need root and a BPF-capable
# kernel, and so do the BPF tests (the real programs under BPF_PROG_TEST_RUN).
TEST_ENV := EXFILGUARD=$(abspath $(BUILD)/exfilguard)

test-unit: $(BUILD)/exfilguard $(UNIT_BINS)
	$(TEST_ENV) tests/run.sh $(UNIT_BINS)

test-e2e: $(BUILD)/exfilguard $(E2E_BINS) $(TOOL_BINS)
	$(TEST_ENV) tests/run.sh $(E2E_BINS)

test-bpf: $(BPF_BINS)
	$(TEST_ENV) tests/run.sh $(BPF_BINS)

# Packaging and deployment (shell scripts, root): install tree, units, .deb
# and lintian, the container image under podman, the Kubernetes manifests.
DEPLOY_TESTS ?= $(sort $(wildcard tests/install/test_*.sh tests/deploy/test_*.sh))

test-deploy: $(BUILD)/exfilguard | $(SETUP)
	$(TEST_ENV) tests/run.sh $(DEPLOY_TESTS)

test: $(BUILD)/exfilguard $(UNIT_BINS) $(BPF_BINS) $(E2E_BINS) $(TOOL_BINS) | $(SETUP)
	$(TEST_ENV) tests/run.sh $(UNIT_BINS) $(BPF_BINS) $(E2E_BINS) $(DEPLOY_TESTS)

# All tests again, the binary and the tests built with AddressSanitizer and UndefinedBehaviorSanitizer
# (not the packaging tests: they build their own binaries).
test-sanitize:
	$(MAKE) BUILD=build/sanitize \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  DEPLOY_TESTS= test

# Benchmarks (root): every variant side by side in one run (no guard, the
# floor, exfilguard CIDR-only and CN policy on the full world, nftables),
# load time, kernel and daemon memory, CIDR-only sizes. Figures go in BENCHMARKS.md.
BENCH_DIR := $(BUILD)/bench
bench: $(BUILD)/exfilguard $(BUILD)/tools/bench $(DATA_DIR)/SOURCES.json | $(SETUP)
	@mkdir -p $(BENCH_DIR)
	@printf 'data:\n  country: %s\n  asn: [%s, %s]\nrules:\n  - action: deny\n    country: [CN]\n  - action: deny\n    provider: [alibaba-cloud]\n  - action: deny\n    jurisdiction: [CN]\n' \
	  $(abspath $(DATA_DIR))/dbip-country.mmdb $(abspath $(DATA_DIR))/asn-ipv4.csv \
	  $(abspath $(DATA_DIR))/asn-ipv6.csv > $(BENCH_DIR)/cn.yaml
	/usr/bin/time -f "bench: %e s wall, %M KiB peak RSS" \
	  $(BUILD)/tools/bench $(abspath $(BUILD))/exfilguard $(abspath $(BENCH_DIR))/cn.yaml $(abspath $(BENCH_DIR))

# Each libFuzzer target for a short while (CI); `make fuzz FUZZ_SECONDS=600` for longer.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst tools/%.c,$(BUILD)/fuzz/%,$(wildcard tools/fuzz_*.c))
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
                -I$(BUILD) -Iuser -Iuser/data -Imaps

$(BUILD)/fuzz/%: tools/%.c $(LIB_SRCS) $(wildcard user/*.h user/*/*.h maps/*.h bpf/*.h) $(BUILD)/exfilguard.skel.h $(BUILD)/exfilguard_maps.skel.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) $< $(LIB_SRCS) $(PKG_LIBS) $(LDLIBS) -o $@

fuzz-smoke: $(FUZZ_TARGETS)
	@for f in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus-$${f##*/}; \
	  echo "== $${f##*/} ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 $(BUILD)/fuzz/corpus-$${f##*/} 2>&1 | tail -n 2 || exit 1; \
	done

fuzz: fuzz-smoke

format:
	clang-format -i $(FORMAT_SRCS)

# Fails, naming the lines, when a source is not formatted as `make format` would.
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRCS)

clean:
	rm -rf build
