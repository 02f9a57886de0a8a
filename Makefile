# SPDX-License-Identifier: GPL-2.0
#
# wg-inline top-level Makefile. See README.md.
#
#   make                 modules + tools against KDIR
#   make deps            install build/test dependencies and test kernels
#   make check           deps, W=1 -Werror + sparse builds for both test
#                        kernels, then every VM test on both
#   make check-debug     every VM test under a debug kernel (KASAN,
#                        lockdep, kmemleak, UBSAN); not in CI (time)
#   make demo            the main job: two gateways in a VM
#   make bench           the benchmark against stock WireGuard, written
#                        to docs/performance.md (BENCH_CPUS=N vCPUs);
#                        QUICK=1: a few-minute smoke run (make check)
#   make install         modules_install + depmod (KDIR's kernel)
#   make dkms-install    register, build and install through DKMS
#                        (dkms-add, dkms-build: the first steps alone)
#   make test T=tests/cases/foo.sh [K=6.1]   one test, in the VM

SHELL := /bin/bash
TOP := $(CURDIR)
VERSION := 0.1.0
KERNELS = $(TOP)/tests/vm/kernels.sh
RUN = $(TOP)/tests/vm/run.sh
BUILD = $(TOP)/build

# Default KDIR: the running kernel's build tree, else (on these machines,
# whose kernel has no module support) the 6.1 test kernel's headers.
KREL_61 = $(shell $(KERNELS) versions 2>/dev/null | awk '$$1=="6.1"{print $$2}')
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(if $(KREL_61),$(shell $(KERNELS) kdir $(KREL_61))))
endif
# The release KDIR builds for, which install and DKMS install for.
# (Debian's 6.1 headers have "6.1.192" in include/config/kernel.release.)
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

.PHONY: all modules tools tools-check deps check check-debug build-test-kernels vm-tests demo bench harness-selftest hil-lint \
	install-test install dkms-add dkms-build dkms-install dkms-remove test clean help

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no KDIR: run 'make deps' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	$(MAKE) -C tools

deps:
	tests/vm/deps.sh

# One private build tree per test kernel: kbuild writes objects beside
# the sources, and both kernels are built side by side.
build-test-kernels:
	tests/vm/build-all.sh $(BUILD)

TESTS ?= $(sort $(wildcard tests/cases/*.sh))

vm-tests:
	$(RUN) -o $(TOP)/results $(TESTS)

# The hardware-in-the-loop and benchmark scripts must be shellcheck-clean
# (seconds).
hil-lint:
	shellcheck -x tests/hil/*.sh tests/bench/*.sh

# Host-side checks of the harness's own log reading (seconds).
harness-selftest:
	tests/vm/klog-selftest.sh

# make install for both test kernels and the DKMS build for 6.1, into
# private trees.
install-test:
	tests/host/install.sh

# wgaff's own unit and command-line tests (seconds, no kernel needed).
tools-check: tools
	$(MAKE) -C tools check

check: deps harness-selftest hil-lint build-test-kernels tools tools-check install-test
	@rm -rf $(TOP)/results
	WGI_JOBS=$${WGI_JOBS:-auto} $(RUN) -o $(TOP)/results $(TESTS)
	tests/bench/run.sh --quick

# TESTS= narrows it as for check.
check-debug: deps tools
	tests/vm/check-debug.sh $(if $(filter command line,$(origin TESTS)),$(TESTS))

demo: deps build-test-kernels tools
	WGI_SMP=2 $(RUN) -k $(KREL_61) -o $(TOP)/results/demo tests/demo/demo.sh
	@cat $(TOP)/results/demo/$(KREL_61)/demo/output.log

# tests/bench/: BENCH_CPUS=N guest vCPUs (default 2), QUICK=1 smoke run.
bench: deps build-test-kernels tools
	tests/bench/run.sh $(if $(QUICK),--quick)

test: build-test-kernels tools
	$(RUN) -o $(TOP)/results $(if $(K),-k $$($(KERNELS) versions | awk '$$1=="$(K)"{print $$2}')) $(T)

# INSTALL_MOD_PATH=DIR installs under DIR (packaging, tests/host/install.sh).
install: modules
	@test -n "$(KREL)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)

# DKMS, for KDIR's kernel (the running one by default). DKMS_ARGS passes
# more options to each dkms call (tests use private trees).
DKMS_SRC ?= /usr/src
DKMS = dkms -m wg-inline -v $(VERSION) -k $(KREL) --kernelsourcedir $(KDIR) $(DKMS_ARGS)
DKMS_FILES = Kbuild dkms.conf wg_inline mlx5_steer uapi include

dkms-add:
	@test -n "$(KREL)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	rm -rf $(DKMS_SRC)/wg-inline-$(VERSION)
	mkdir -p $(DKMS_SRC)/wg-inline-$(VERSION)
	cp -a $(DKMS_FILES) $(DKMS_SRC)/wg-inline-$(VERSION)/
	$(DKMS) add

dkms-build: dkms-add
	$(DKMS) build

dkms-install: dkms-build
	$(DKMS) install

dkms-remove:
	dkms remove -m wg-inline -v $(VERSION) --all $(DKMS_ARGS)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	-$(MAKE) -C tools clean
	rm -rf $(BUILD) $(TOP)/results
