# Test, fuzz and benchmark builds; included from the top-level Makefile.

# --- unit tests: tests/unit/test_*.c, each its own binary, linked with the real objects ---
UNIT_SRC     := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
UNIT_HOBJ    := $(UNIT_HELPERS:%.c=$(BUILD)/%.o)
UNIT_LIBS     = $(PROG_LIBS) $(LIB_SRTP2)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(UNIT_HOBJ) $(LIBSRTPRELAY)
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LIBS)

# --- helpers for the VM tests: tests/kmod/*.c, linked with libsrtp2 and never with our core ---
KTEST_SRC := $(sort $(wildcard tests/kmod/*.c))
KTEST_BIN := $(KTEST_SRC:tests/kmod/%.c=$(BUILD)/tests/kmod/%)

$(BUILD)/tests/kmod/%: $(BUILD)/tests/kmod/%.o
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(LIB_SRTP2)

# --- helpers for the daemon tests: tests/daemon/*.c (the DTLS-SRTP peer), on OpenSSL and
# libsrtp2 and never on our own library ---
DTEST_SRC := $(sort $(wildcard tests/daemon/*.c))
DTEST_BIN := $(DTEST_SRC:tests/daemon/%.c=$(BUILD)/tests/daemon/%)

$(BUILD)/tests/daemon/%: $(BUILD)/tests/daemon/%.o
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(LIB_SRTP2) -lssl -lcrypto

# --- the core built as the kernel will see it: freestanding, no libc headers at all ---
# Every object may only reference the symbols srtp_compat.h maps onto (memcpy & co.), and no
# function may need a large stack frame.
FREE_FLAGS := -std=gnu11 -ffreestanding -nostdinc -fno-pic -O2 $(WARN) -Ikmod/srtp \
	-DSRTP_FREESTANDING -Wframe-larger-than=512
FREE_OBJ   := $(CORE_SRC:kmod/srtp/%.c=$(BUILD)/freestanding/%.o)
FREE_ALLOWED := memcpy|memset|memcmp|memmove

$(BUILD)/freestanding/%.o: kmod/srtp/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC-FREE,$<) $(CC) $(FREE_FLAGS) -MMD -MP -c -o $@ $<

freestanding: $(FREE_OBJ)
	$(Q)own=$$(nm --defined-only $(FREE_OBJ) | awk 'NF==3{print $$3}'); \
	bad=$$(nm -u $(FREE_OBJ) | awk 'NF==2{print $$2}' | grep -Fxv "$$own" | \
		grep -Ev '^($(FREE_ALLOWED))$$' | sort -u); \
	if [ -n "$$bad" ]; then echo "core references outside symbols:" $$bad; exit 1; fi

# --- libFuzzer targets: tests/fuzz/fuzz_*.c, under ASan and UBSan ---
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_FLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer $(INCS) -D_GNU_SOURCE \
	-Wall -Wextra $(WERROR)
FUZZ_LIBOBJ := $(CORE_SRC:%.c=$(BUILD)/fuzzobj/%.o) $(DLIB_SRC:%.c=$(BUILD)/fuzzobj/%.o) \
	$(CLIB_SRC:%.c=$(BUILD)/fuzzobj/%.o)
# An archive, like the programs use: a fuzzer pulls in only the members it references, so
# code that needs a program's main() (ctl_error lives in ctl/main.c) never reaches its link.
FUZZ_LIB := $(BUILD)/libsrtprelay-fuzz.a

$(FUZZ_LIB): $(FUZZ_LIBOBJ)
	$(call msg,AR,$@) rm -f $@ && $(AR) rcsT $@ $^

$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC-FUZZ,$<) $(CLANG) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: $(BUILD)/fuzzobj/tests/fuzz/%.o $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(call msg,LD,$@) $(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PROG_LIBS)

fuzz: $(FUZZ_BIN)

# --- benchmarks: tests/bench/*.c and tests/bench/bench_*.py, not part of pass/fail ---
# tests/bench/tools/*.c are their load generators (libsrtp2 only, never our core).
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
BENCH_TOOL_SRC := $(sort $(wildcard tests/bench/tools/*.c))
BENCH_TOOLS := $(BENCH_TOOL_SRC:tests/bench/tools/%.c=$(BUILD)/bench/tools/%)

$(BUILD)/bench/tools/%: $(BUILD)/tests/bench/tools/%.o
	@mkdir -p $(dir $@)
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(LIB_SRTP2)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIBSRTPRELAY)
	@mkdir -p $(dir $@)
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(UNIT_LIBS)

bench: all $(BENCH_BIN) $(BENCH_TOOLS)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done
	@for b in tests/bench/bench_*.py; do [ -f "$$b" ] || continue; echo "== $$b"; \
		BUILD=$(BUILD) python3 $$b || exit 1; done
	@for b in tests/bench/bench_*.sh; do [ -x "$$b" ] || continue; echo "== $$b"; \
		BUILD=$(BUILD) $$b || exit 1; done

# --- everything ---
check-unit: all $(UNIT_BIN) $(KTEST_BIN) $(DTEST_BIN) freestanding

check: all $(UNIT_BIN) $(KTEST_BIN) $(DTEST_BIN) freestanding $(FUZZ_BIN)
	$(Q)BUILD=$(BUILD) tests/run.sh

# The VM suites on ../shared/kernels/6.12-debug and mainline-debug (KASAN, lockdep,
# kmemleak, panic_on_warn).
check-debug-kernel: all $(KTEST_BIN)
	$(Q)r=0; BUILD=$(BUILD) tests/kmod/debug_kernel.sh || r=1; \
		BUILD=$(BUILD) tests/kmod/mainline_kernel.sh || r=1; exit $$r
