# srtprelay: the userspace programs, the kernel module and the tests.
#
#   make            srtprelayd and srtprelay-ctl
#   make kmod       srtprelay.ko against KDIR (default: the running kernel's build tree)
#   make check      every test (see tests/run.sh); VM tests need the kernel packages
#   make check-debug-kernel  the VM suites on the KASAN/lockdep kernels, 6.12 and mainline (slow)
#   make sparse     sparse (C=2) over the module against each kernel tree (also in make check)
#   make bench      benchmarks (not pass/fail)
#   make install    binaries and man pages under PREFIX
#
# V=1 shows full command lines. WERROR= turns warnings back into warnings.

PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
BUILD   ?= build
KDIR    ?= /lib/modules/$(shell uname -r)/build
CLANG   ?= clang
CFLAGS  ?= -O2 -g
WERROR  ?= -Werror

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2);
endif

WARN := -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wformat=2
# The daemon's layers (README, "Layout"); every folder is on the include path, and
# tests/layers/check-layers.sh keeps includes pointing downward only.
DAEMON_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard daemon/*/*.[ch]))))
INCS := -Iinclude -Ikmod/srtp -Ilib $(addprefix -I,$(DAEMON_DIRS)) -Idaemon -Ictl
ALL_CFLAGS = -std=gnu11 $(WARN) -MMD -MP $(INCS) -D_GNU_SOURCE $(CPPFLAGS) $(CFLAGS)

LIB_CRYPTO := -lssl -lcrypto
LIB_SRTP2  := -lsrtp2
LIB_URING  := -luring
LIB_MNL    := -lmnl
LIB_NFTNL  := -lnftnl

# The SRTP core: kernel-safe C shared with the module (kmod/srtp/), built here for userspace.
CORE_SRC   := $(sort $(wildcard kmod/srtp/*.c))
# The daemon's code except main(), so that tests and fuzzers link the same objects. The
# library is a thin archive: members keep their paths, so lib/nft.o and ctl/nft.o coexist.
DLIB_SRC   := $(sort $(wildcard lib/*.c) $(filter-out daemon/main.c,$(wildcard daemon/*.c daemon/*/*.c)))
CTL_SRC    := $(sort $(wildcard ctl/*.c))
# The ctl tool's code except main(), in the library too, so tests link what the tool runs.
CLIB_SRC   := $(filter-out ctl/main.c,$(CTL_SRC))

CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/%.o)
DLIB_OBJ   := $(DLIB_SRC:%.c=$(BUILD)/%.o) $(CLIB_SRC:%.c=$(BUILD)/%.o)
LIBSRTPRELAY := $(BUILD)/libsrtprelay.a
PROG_LIBS   = $(LIB_CRYPTO) $(LIB_URING) $(LIB_MNL) $(LIB_NFTNL)

PROGRAMS :=
ifneq ($(wildcard daemon/main.c),)
PROGRAMS += $(BUILD)/srtprelayd
endif
ifneq ($(CTL_SRC),)
PROGRAMS += $(BUILD)/srtprelay-ctl
endif

.PHONY: all kmod kmod-clean check check-debug-kernel check-unit bench install clean fuzz freestanding sparse
all: $(LIBSRTPRELAY) $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<) $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBSRTPRELAY): $(CORE_OBJ) $(DLIB_OBJ)
	$(call msg,AR,$@) rm -f $@ && $(AR) rcsT $@ $^

$(BUILD)/srtprelayd: $(BUILD)/daemon/main.o $(LIBSRTPRELAY)
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(PROG_LIBS)

$(BUILD)/srtprelay-ctl: $(BUILD)/ctl/main.o $(LIBSRTPRELAY)
	$(call msg,LD,$@) $(CC) $(LDFLAGS) -o $@ $^ $(PROG_LIBS)

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

# sparse (C=2) over the module against each kernel tree in /lib/modules; also in make check.
sparse:
	$(Q)BUILD=$(BUILD) tests/kmod/sparse.sh

kmod-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 packaging/man/srtprelayd.8 packaging/man/srtprelay-ctl.8 $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf $(BUILD)

include tests/tests.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
