# cjmsim — build, test and install.
#   make               build ./cjmsim
#   make check         unit, statistical and end-to-end tests (prove, TAP)
#   make asan          the tests again under AddressSanitizer + UBSan
#   make install PREFIX=/usr/local

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
CC        ?= cc
PKG_CONFIG ?= pkg-config

DEPS      := lua5.4 jansson
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS))
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEPS))

WARNINGS  := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wold-style-definition -Wformat=2 -Wcast-qual \
             -Wpointer-arith -Wundef -Wvla -Wwrite-strings -Wnull-dereference \
             -Wimplicit-fallthrough -Wmissing-declarations -Wredundant-decls
OPT       ?= -O2 -g
CFLAGS    ?= $(OPT)
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(DEP_CFLAGS) \
              -DCJMSIM_VERSION='"$(VERSION)"' $(CFLAGS)
LDLIBS    := $(DEP_LIBS) -lm -pthread

BUILD     ?= build
# `make V=1` shows the full commands.
Q         := $(if $(V),,@)
ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/engine/%.o)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)

.PHONY: all check asan install uninstall clean

all: cjmsim

cjmsim: $(BUILD)/cjmsim
	cp $< $@

$(BUILD)/cjmsim: $(ENGINE_OBJ) $(BUILD)/engine/main.o
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
check: $(BUILD)/cjmsim $(TEST_BIN)
	CJMSIM=$(abspath $(BUILD)/cjmsim) CMOCKA_MESSAGE_OUTPUT=TAP \
	    prove --exec '' $(TEST_BIN) tests/e2e/*.t

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' check

install: $(BUILD)/cjmsim
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/cjmsim $(DESTDIR)$(BINDIR)/cjmsim

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cjmsim

clean:
	rm -rf build build-asan cjmsim results
