# The two quick-start commands are `make demo` and `make test`; each installs what is missing first.
SWIFT ?= swift
RELEASE = -c release

.PHONY: demo test build release bootstrap models clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build

release: bootstrap
	$(SWIFT) build $(RELEASE) --product netdissect

test:
	@scripts/bootstrap --test
	@scripts/fetch-models
	$(SWIFT) build -c release -Xswiftc -enable-testing --build-tests
	@scripts/machine-info
	$(SWIFT) test -c release -Xswiftc -enable-testing --skip-build
	$(SWIFT) build -c release -Xswiftc -enable-testing --product netdissect
	scripts/e2e-sixel .build/release/netdissect
	scripts/e2e-report .build/release/netdissect
	scripts/e2e-slurm .build/release/netdissect
	scripts/e2e-isa .build/release/netdissect

models:
	@scripts/fetch-models

demo: release
	@scripts/demo

clean:
	rm -rf .build
