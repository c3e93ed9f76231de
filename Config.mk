# Config.mk: flags, paths and tool names shared by every part of the build.
# Included by the top-level Makefile; override on the command line
# (make PREFIX=/usr, make V=1).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
HOSTCC  ?= $(CC)
GUESTCC ?= gcc
PKG_CONFIG ?= pkg-config

# SAN=1 builds the host side with AddressSanitizer and UBSan (make check
# does this in $(BUILD)/san).
SAN ?= 0

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wpointer-arith
# Xen's public headers need an interface version; 0x00040e00 is the one
# Debian 12's libxen-dev (4.17) is built with.
XEN_DEFS := -D__XEN_INTERFACE_VERSION__=0x00040e00

HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(XEN_DEFS) -D_GNU_SOURCE \
	-fno-strict-aliasing -pthread -Iinclude
HOST_LDFLAGS := -pthread
ifeq ($(SAN),1)
HOST_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
HOST_LDFLAGS += -fsanitize=address,undefined
endif

# The guest kernel: freestanding, no SSE, no red zone (DESIGN.md section 2a).
GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(XEN_DEFS) -ffreestanding \
	-fno-builtin -nostdinc -isystem $(shell $(GUESTCC) -print-file-name=include) \
	-idirafter /usr/include -Iinclude -Ifrontends/include \
	-mgeneral-regs-only -mno-red-zone -fno-pic -fno-pie -mcmodel=small \
	-fno-tree-loop-distribute-patterns \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-fno-omit-frame-pointer
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
XENSTORE_LIBS := $(shell $(PKG_CONFIG) --libs xenstore 2>/dev/null)
# xlu_disk_parse() fills a libxl_device_disk: libxenlight too.
XLUTIL_LIBS  := $(shell $(PKG_CONFIG) --libs xlutil xenlight 2>/dev/null)
JSONC_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)
JSONC_LIBS   := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null)
URING_LIBS   := $(shell $(PKG_CONFIG) --libs liburing 2>/dev/null)
ZLIB_LIBS    := -lz

DEB_PACKAGES := build-essential pkg-config libxen-dev xenstore-utils check \
	liburing-dev libjson-c-dev zlib1g-dev fio iproute2 clang clang-format \
	bridge-utils iputils-ping procps
