# SPDX-License-Identifier: GPL-2.0
#
# re1000 entry points (see README.md):
#   make run              boot QEMU with two e1000 NICs, load re1000, show it working
#   make check            every test suite, ending in "N passed, N failed"
#   make bench            re1000 against the C e1000 in one run: build/bench/
#   make [KDIR=...]       build re1000.ko against a Rust-enabled kernel build
#   make modules_install  install re1000.ko for that kernel (then run depmod)
#
# Without KDIR, the test kernel is built once into ~/.cache/re1000 (FLAVOUR=normal
# or debug) and reused. The module itself is described by ./Kbuild.

SHELL := /bin/bash
REPO := $(CURDIR)
include qemu-e1000/versions.env
export PATH := $(HOME)/.cargo/bin:$(VNG_VENV)/bin:$(PATH)
export LIBCLANG_PATH ?= /usr/lib/llvm-$(LLVM_VERSION)/lib
FLAVOUR ?= normal
export KDIR FLAVOUR

# The kernel to build against: $(KDIR), or the cached test kernel (built if needed).
kdir = $${KDIR:-$$(qemu-e1000/build-kernel.sh $(FLAVOUR))}

.PHONY: all modules modules_install clean deps kernel run check bench clippy fmt

all: modules

modules:
	+@k=$(kdir) && $(MAKE) -C "$$k" M=$(REPO) modules

modules_install:
	+@k=$(kdir) && $(MAKE) -C "$$k" M=$(REPO) modules_install

clippy:
	+@k=$(kdir) && $(MAKE) -C "$$k" M=$(REPO) CLIPPY=1 modules
	cargo clippy --workspace --all-targets -- -D warnings

# The module is formatted like the kernel tree (drivers/.rustfmt.toml).
fmt:
	find drivers -name '*.rs' ! -name '*generated*' -print0 | xargs -0 rustfmt --edition 2021 --check
	cargo fmt --all --check

clean:
	+@if k=$(kdir) 2>/dev/null; then $(MAKE) -C "$$k" M=$(REPO) clean; fi
	rm -rf build

deps:
	@qemu-e1000/setup-host.sh

kernel: deps
	@qemu-e1000/build-kernel.sh $(FLAVOUR)

run: deps
	@ci/run.sh

check: deps
	@ci/check.sh

bench: deps
	@ci/bench.sh
