# netreach — two commands for a newcomer: `make demo` and `make test`.
SWIFT ?= swift
ORACLE ?= ../shared/oracle/run
NETREACH := .build/debug/netreach
# make install PREFIX=$HOME/.local; DESTDIR stages the tree for a package.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
PAGES = netreach netreach-list netreach-explain netreach-diff netreach-graph netreach-audit netreach-check netreach-version

.PHONY: deps build release demo test lint format oracle bench fuzz images clean install uninstall manual completions

deps:
	@scripts/install-deps.sh
	@scripts/fetch-schemas.sh
	@scripts/build-info.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: build
	@echo '$$ netreach list examples/shop'
	@$(NETREACH) list examples/shop
	@echo
	@echo '$$ netreach audit examples/shop --fail-on never'
	@$(NETREACH) audit examples/shop --fail-on never
	@echo
	@echo '$$ netreach check --rules examples/shop/rules.yaml examples/shop    # two rules fail on purpose'
	@$(NETREACH) check --rules examples/shop/rules.yaml examples/shop || [ $$? -eq 1 ]

test: deps
	$(SWIFT) test
	scripts/test-install.sh

lint:
	$(SWIFT) format lint --strict -r Sources Tests Fuzz
	scripts/hadolint.sh

format:
	$(SWIFT) format -i -r Sources Tests Fuzz Package.swift

oracle: build
	@if [ ! -x "$(ORACLE)" ]; then echo "error: $(ORACLE) not found (the peers' test clusters live in ../shared/oracle)"; exit 1; fi
	python3 $(ORACLE) --netreach $(NETREACH) --skip-tags udn,virtual-machines
	python3 $(dir $(ORACLE))explain/run --netreach $(NETREACH) --skip-tags udn,virtual-machines
	python3 $(dir $(ORACLE))diff/run --netreach $(NETREACH) --skip-tags udn,virtual-machines
	python3 $(dir $(ORACLE))exposure/run --netreach $(NETREACH) --skip-tags udn,virtual-machines

# BENCH_FLAGS="--compare-nca --growth" adds the peer comparison and the growth tables; --quick skips 150k pods.
bench: release
	python3 scripts/bench.py $(BENCH_FLAGS)

# libFuzzer over every path (Fuzz/); FUZZ_SECONDS=600, FUZZ_KEEP_GOING=1 and FUZZ_WORKERS=2 as in README.md.
FUZZ_SECONDS ?= 300
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# The README's pictures, drawn by netreach itself.
images: build
	$(NETREACH) graph examples/shop -o docs/images/shop.png
	$(NETREACH) graph examples/shop --to db/postgres -o docs/images/who-reaches-db.png
	$(NETREACH) graph examples/shop --from frontend/web -o docs/images/web-reaches.png
	$(NETREACH) graph examples/shop --namespaces -o docs/images/namespaces.png
	$(NETREACH) diff examples/shop examples/diff/shop-db-open -q -o png --file docs/images/shop-diff.png
	python3 ../shared/bench/gen_cluster.py --pods 600 --policies 120 --namespaces 25 -o .build/ns25.yaml
	$(NETREACH) graph .build/ns25.yaml --namespaces -q -o docs/images/namespaces-matrix.png

# Man pages generated from the command definitions (the generator behind swift-argument-parser's manual plugin) and
# completion scripts printed by netreach itself: nothing hand-written.
manual: release
	SWIFT=$(SWIFT) scripts/man-pages.sh .build/man

completions: release
	mkdir -p .build/completions
	.build/release/netreach --generate-completion-script bash > .build/completions/netreach.bash
	.build/release/netreach --generate-completion-script zsh > .build/completions/_netreach
	.build/release/netreach --generate-completion-script fish > .build/completions/netreach.fish

# kubectl-netreach is a link: kubectl finds plugins on PATH by that name and netreach runs the same either way.
install: release manual completions
	install -d "$(BINDIR)" "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 755 .build/release/netreach "$(BINDIR)/netreach"
	ln -sf netreach "$(BINDIR)/kubectl-netreach"
	for page in $(PAGES); do install -m 644 ".build/man/$$page.1" "$(MANDIR)/$$page.1" || exit 1; done
	install -m 644 .build/completions/netreach.bash "$(BASHDIR)/netreach"
	install -m 644 .build/completions/_netreach "$(ZSHDIR)/_netreach"
	install -m 644 .build/completions/netreach.fish "$(FISHDIR)/netreach.fish"

uninstall:
	rm -f "$(BINDIR)/netreach" "$(BINDIR)/kubectl-netreach"
	for page in $(PAGES); do rm -f "$(MANDIR)/$$page.1"; done
	rm -f "$(BASHDIR)/netreach" "$(ZSHDIR)/_netreach" "$(FISHDIR)/netreach.fish"

clean:
	rm -rf .build
