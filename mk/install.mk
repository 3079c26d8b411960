# `make install`: qcoord, its man page and its shell completions, generated from the argument
# parser (swift-argument-parser's generate-manual plugin, `qcoord --generate-completion-script`),
# under $(DESTDIR)$(PREFIX). `make install CONFIG=debug` installs the debug build (no release
# build); `make uninstall` removes the files again. Generated files: build/generated/.
PREFIX ?= /usr/local
DESTDIR ?=
CONFIG ?= release
BINDIR = $(PREFIX)/bin
MAN1DIR = $(PREFIX)/share/man/man1
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
GENERATED := build/generated
INSTALLED_BIN = .build/$(CONFIG)/qcoord

.PHONY: install uninstall man completions install-binary

install-binary:
	$(SWIFT) build -c $(CONFIG) --product qcoord $(BUILD_FLAGS)

# The plugin builds the package's products in CONFIG, runs `qcoord --experimental-dump-help`
# and writes one page with every subcommand.
man: install-binary
	@mkdir -p $(GENERATED)/man
	$(SWIFT) package $(BUILD_FLAGS) generate-manual --configuration $(CONFIG) --authors "qcoord developers"
	cp .build/plugins/GenerateManual/outputs/qcoord/qcoord.1 $(GENERATED)/man/qcoord.1

completions: install-binary
	@mkdir -p $(GENERATED)/completions
	$(INSTALLED_BIN) --generate-completion-script bash > $(GENERATED)/completions/qcoord.bash
	$(INSTALLED_BIN) --generate-completion-script zsh > $(GENERATED)/completions/_qcoord
	$(INSTALLED_BIN) --generate-completion-script fish > $(GENERATED)/completions/qcoord.fish

install: man completions
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)" "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 0755 $(INSTALLED_BIN) "$(DESTDIR)$(BINDIR)/qcoord"
	install -m 0644 $(GENERATED)/man/qcoord.1 "$(DESTDIR)$(MAN1DIR)/qcoord.1"
	install -m 0644 $(GENERATED)/completions/qcoord.bash "$(DESTDIR)$(BASHCOMPDIR)/qcoord"
	install -m 0644 $(GENERATED)/completions/_qcoord "$(DESTDIR)$(ZSHCOMPDIR)/_qcoord"
	install -m 0644 $(GENERATED)/completions/qcoord.fish "$(DESTDIR)$(FISHCOMPDIR)/qcoord.fish"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/qcoord" "$(DESTDIR)$(MAN1DIR)/qcoord.1" "$(DESTDIR)$(BASHCOMPDIR)/qcoord" \
	      "$(DESTDIR)$(ZSHCOMPDIR)/_qcoord" "$(DESTDIR)$(FISHCOMPDIR)/qcoord.fish"

# The install check (scripts/check-install.sh): part of `make check`.
CHECK_TARGETS += check-install
.PHONY: check-install
check-install:
	bash scripts/check-install.sh
