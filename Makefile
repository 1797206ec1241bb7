# cjmsim — build, test and install.
#   make               build ./cjmsim
#   make check         unit, statistical and end-to-end tests (prove, TAP)
#   make MPI=1         also ./cjmsim-mpi, the Open MPI build (mpicc)
#   make asan          the tests again under AddressSanitizer + UBSan
#   make bench         speed and memory against numpy and plain Lua (bench/)
#   make bench-scaling the whole command from 1 to 2 threads alone
#   make install PREFIX=/usr/local   the program, its data (personas, templates,
#                                     plots, the report's style and prose),
#                                     the live page (web/), the Russian catalog
#                                     and the manual page cjmsim.1
#   make pot           po/cjmsim.pot from the sources (then msgmerge, see po/README)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/cjmsim
MANDIR    ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
CC        ?= cc
PKG_CONFIG ?= pkg-config

DEPS      := lua5.4 jansson gsl xlsxwriter libmicrohttpd nlopt
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS))
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEPS))

WARNINGS  := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wold-style-definition -Wformat=2 -Wcast-qual \
             -Wpointer-arith -Wundef -Wvla -Wwrite-strings -Wnull-dereference \
             -Wimplicit-fallthrough -Wmissing-declarations -Wredundant-decls
OPT       ?= -O2 -g
CFLAGS    ?= $(OPT)
# The MPI build compiles the same sources with mpicc and CJMSIM_MPI defined.
MPI_DEFS  ?=
ALL_CFLAGS := $(MPI_DEFS) -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(DEP_CFLAGS) \
              -DCJMSIM_VERSION='"$(VERSION)"' -DCJMSIM_DATADIR='"$(DATADIR)"' \
              -DCJMSIM_LOCALEDIR='"$(LOCALEDIR)"' $(CFLAGS)
LDLIBS    := $(DEP_LIBS) -lm -pthread
# cjmsim fit reads CSV with libcsv, which has no pkg-config file.
LDLIBS    += -lcsv

BUILD     ?= build
# `make V=1` shows the full commands.
Q         := $(if $(V),,@)
ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/engine/%.o)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

.PHONY: all pot mpi check check-mpi-build FORCE asan fuzz valgrind bench bench-memory install uninstall clean

all: cjmsim $(if $(MPI),cjmsim-mpi)

# The messages for people in Russian (GNU gettext): po/ru.po compiled, with
# its C formats checked, into build/locale, where a binary in the build tree
# finds it. `make pot` extracts the messages from engine/*.c; po/README says
# how a new message gets its translation.
LANGS     := ru
MO_FILES  := $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/cjmsim.mo)
XGETTEXT_FLAGS := --language=C --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
                  --from-code=UTF-8 --add-comments=TRANSLATORS: --package-name=cjmsim \
                  --package-version=$(VERSION) --sort-by-file

$(BUILD)/locale/%/LC_MESSAGES/cjmsim.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT $<"
	$(Q)msgfmt --check -o $@ $<

POT       ?= po/cjmsim.pot

pot:
	xgettext $(XGETTEXT_FLAGS) -o $(POT) engine/*.c

# cjmsim-mpi: built only where Open MPI's mpicc is installed; the default
# build needs no MPI.
MPI_BUILD := $(BUILD)-mpi
HAVE_MPICC := $(shell command -v mpicc 2>/dev/null)

mpi: cjmsim-mpi

cjmsim-mpi: FORCE
	$(MAKE) BUILD=$(MPI_BUILD) CC=mpicc MPI_DEFS=-DCJMSIM_MPI MPI= $(MPI_BUILD)/cjmsim
	cp $(MPI_BUILD)/cjmsim $@

FORCE:

cjmsim: $(BUILD)/cjmsim
	cp $< $@

$(BUILD)/cjmsim: $(ENGINE_OBJ) $(BUILD)/engine/main.o | $(MO_FILES)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/engine/%.o: engine/%.c $(wildcard engine/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(ENGINE_OBJ) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Iengine -Itests/unit $(LDFLAGS) -o $@ $< $(ENGINE_OBJ) $(TEST_LIBS)

# Every test speaks TAP; prove counts them and ends with "Result: PASS".
# Where mpicc exists the MPI binary is built and tested too (tests/e2e/30_mpi.t).
check: $(BUILD)/cjmsim $(TEST_BIN) $(if $(HAVE_MPICC),check-mpi-build)
	CJMSIM=$(abspath $(BUILD)/cjmsim) CMOCKA_MESSAGE_OUTPUT=TAP \
	    $(if $(HAVE_MPICC),CJMSIM_MPI=$(abspath $(MPI_BUILD)/cjmsim)) \
	    prove --exec '' $(TEST_BIN) tests/e2e/*.t

check-mpi-build:
	$(MAKE) BUILD=$(MPI_BUILD) CC=mpicc MPI_DEFS=-DCJMSIM_MPI MPI= $(MPI_BUILD)/cjmsim

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan HAVE_MPICC= OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' check

# libFuzzer targets (clang): scenario loading and command-line parsing, each
# for FUZZ_SECONDS on a scratch copy of its seed corpus in tests/fuzz/corpus
# (the scenario target also starts from every scenario in tests/scenarios).
# Each input runs under the product's own limits (a memory cap per Lua state);
# the fuzzing process itself grows past 2 GB over minutes, with big strings
# held in AddressSanitizer's quarantine, so its RSS limit is 4 GB.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := scenario cli

fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT='-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	    $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf $(FUZZ_BUILD)/corpus-$$t && cp -r tests/fuzz/corpus/$$t $(FUZZ_BUILD)/corpus-$$t && \
	    { [ $$t != scenario ] || cp tests/scenarios/*.lua tests/scenarios/bad/*.lua $(FUZZ_BUILD)/corpus-$$t/; } && \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/fuzz/fuzz_$$t $(FUZZ_BUILD)/corpus-$$t $$dict -max_total_time=$(FUZZ_SECONDS) \
	        -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>$(FUZZ_BUILD)/fuzz_$$t.log \
	        || { tail -n 60 $(FUZZ_BUILD)/fuzz_$$t.log; exit 1; }; \
	    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' $(FUZZ_BUILD)/fuzz_$$t.log; \
	done

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Iengine -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(ENGINE_OBJ) $(LDLIBS)

# The example scenario under valgrind: no leak, no memory error.
valgrind: $(BUILD)/cjmsim
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=all \
	    $(BUILD)/cjmsim run scripts/sport_nutrition.lua --customers 20000 --out $(BUILD)/valgrind-results --quiet

# Speed against the alternatives, on this machine: bench/bench.py prints the
# figures and rewrites README.md's benchmark block. Needs Debian's
# python3-numpy, lua5.4 and time; bench-memory is its 1e8-customer run alone.
BENCH_PYTHON ?= /usr/bin/python3

bench: $(BUILD)/cjmsim
	$(BENCH_PYTHON) bench/bench.py --cjmsim $(BUILD)/cjmsim

bench-memory: $(BUILD)/cjmsim
	$(BENCH_PYTHON) bench/bench.py --cjmsim $(BUILD)/cjmsim --memory-only

# The whole command's 1 -> 2 thread scaling alone (sport_nutrition, no peers).
.PHONY: bench-scaling
bench-scaling: $(BUILD)/cjmsim
	$(BENCH_PYTHON) bench/bench.py --cjmsim $(BUILD)/cjmsim --scaling-only

# The report's style sheet and its explanatory prose in each language; its
# colours are plots/palette.gp, shared with the plots.
REPORT_DATA := report/report.css $(wildcard report/prose.*.html)

install: $(BUILD)/cjmsim
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/cjmsim $(DESTDIR)$(BINDIR)/cjmsim
	install -d $(DESTDIR)$(DATADIR)/personas $(DESTDIR)$(DATADIR)/templates
	install -m 644 personas/*.lua $(DESTDIR)$(DATADIR)/personas
	install -m 644 templates/*.lua $(DESTDIR)$(DATADIR)/templates
	install -d $(DESTDIR)$(DATADIR)/plots
	install -m 644 plots/*.gp $(DESTDIR)$(DATADIR)/plots
	install -d $(DESTDIR)$(DATADIR)/report
	install -m 644 $(REPORT_DATA) $(DESTDIR)$(DATADIR)/report
	install -d $(DESTDIR)$(DATADIR)/web
	install -m 644 web/serve.html web/serve.js web/serve.css $(DESTDIR)$(DATADIR)/web
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 docs/cjmsim.1 $(DESTDIR)$(MANDIR)/man1/cjmsim.1
	for l in $(LANGS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/cjmsim.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/cjmsim.mo \
	    || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cjmsim $(DESTDIR)$(MANDIR)/man1/cjmsim.1
	rm -f $(LANGS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/cjmsim.mo)
	rm -rf $(DESTDIR)$(DATADIR)/personas $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/plots $(DESTDIR)$(DATADIR)/web \
	    $(DESTDIR)$(DATADIR)/report

clean:
	rm -rf build build-* cjmsim cjmsim-mpi results
