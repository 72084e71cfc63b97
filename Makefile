# The targets CI and developers share. `make test` is the one CI runs.
SHELL := bash
GO ?= go

# Two modules: the library (the root) and the command (cmd/ldaccess, its own module so that
# cobra, the keyring and the terminal stay out of library users' module graphs), developed
# together through go.work. In workspace mode "./..." at the root stops at the nested module,
# so every target names both.
PKGS := ./... ./cmd/ldaccess/...

.PHONY: generate check-generated lint test bench demo

## demo: an access review of a seeded fake account, no LaunchDarkly account needed
demo:
	$(GO) run ./cmd/ldaccess --fake audit

## generate: regenerate api/ from openapi.yaml
# The generator is pinned in tools.mod, which -modfile reads; the go command refuses -modfile
# in workspace mode, hence GOWORK=off (generation needs only the library module).
generate:
	GOWORK=off $(GO) generate .

## check-generated: fail if any committed *.gen.go differs from a fresh generation
# Generates in a scratch copy so that a hand edit is reported, never overwritten.
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar --exclude=./.git -cf - . | tar -xf - -C "$$tmp"; \
	find "$$tmp" -name '*.gen.go' -delete; \
	(cd "$$tmp" && GOWORK=off $(GO) generate .) || exit 1; \
	diff <(cd "$$tmp" && find . -name '*.gen.go' | sort) <(find . -name '*.gen.go' | sort) || \
		{ echo "check-generated: the set of generated files differs; run make generate"; exit 1; }; \
	for f in $$(cd "$$tmp" && find . -name '*.gen.go'); do \
		cmp -s "$$tmp/$$f" "$$f" || { diff -u "$$tmp/$$f" "$$f" | head -20; \
			echo "check-generated: $$f differs from a fresh go generate; run make generate"; exit 1; }; \
	done

## lint: gofmt, go vet, and every switch over an enum of the contract (package api) names
## every value, so that a value the contract adds fails here, where it is not yet handled
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		[ -z "$$out" ] || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	$(GO) vet $(PKGS)
	@$(MAKE) --no-print-directory exhaustive

## exhaustive: every switch over an enum of the contract names every value (part of lint)
.PHONY: exhaustive
exhaustive:
	@# The tool is pinned in tools.mod, which the go command reads only outside the workspace;
	@# the binary it builds then checks both modules.
	@exhaustive=$$(GOWORK=off $(GO) tool -modfile=tools.mod -n exhaustive) && \
		$$exhaustive $(EXHAUSTIVE_FLAGS) $(PKGS)

# exhaustive checks only the generated enums: every enum-like type of our own packages but
# api is ignored, and a default case does not count as handling a value.
EXHAUSTIVE_FLAGS := -ignore-enum-types '^github\.com/ldaccess/ldaccess/(cmd|fake|review|wrapper|internal|tests)'

## test: lint, check-generated, every test with the race detector, then each fuzz target briefly
test: lint check-generated
	$(GO) test -race $(PKGS)
	$(MAKE) --no-print-directory contract-checks
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_CI)

## deps-browser: install what the command's real-terminal and browser tests use, tmux and
## Chromium, from the system's packages (apt-get). Quick when both are there. .ci/run calls it
## on CI; elsewhere those tests skip, saying so, when the programs are missing.
.PHONY: deps-browser
deps-browser:
	@missing=; for p in tmux chromium; do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps-browser: tmux and chromium are installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "deps-browser: no apt-get; install$$missing to run the terminal and browser tests"; exit 0; fi; \
	sudo=; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	echo "deps-browser: installing$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends$$missing

## deps-keyring: install what test-keyring needs, a Secret Service (gnome-keyring), secret-tool
## and a D-Bus session bus, from the system's packages (apt-get); quick when they are there.
## Not dbus-x11: with dbus-launch present but no session, go-keyring starts stray daemons.
.PHONY: deps-keyring
KEYRING_TOOLS := gnome-keyring-daemon:gnome-keyring secret-tool:libsecret-tools dbus-daemon:dbus-daemon dbus-send:dbus-bin
deps-keyring:
	@missing=; for t in $(KEYRING_TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -z "$$missing" ]; then echo "deps-keyring: gnome-keyring, secret-tool and D-Bus are installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "deps-keyring: no apt-get; install$$missing to run the keyring tests"; exit 0; fi; \
	sudo=; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	echo "deps-keyring: installing$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends$$missing \
		|| echo "deps-keyring: could not install$$missing; the keyring tests will skip"

## test-keyring: the OS keyring for real. Starts a private D-Bus session bus and an unlocked
## gnome-keyring (scripts/keyring-session.sh: everything under a temporary directory, stopped and
## removed afterwards) and runs the tests that use it: the command, built, stores, uses and
## removes a profile's token there, and its errors for a missing entry, a locked keyring and no
## session bus. Where the programs are missing, those tests skip and say why.
.PHONY: test-keyring
test-keyring: deps-keyring
	scripts/keyring-session.sh $(GO) test -count=1 -v -run 'Keyring' ./cmd/ldaccess/e2e/

## bench: benchmarks with allocation counts, then the issue-6 report: per case the wrapper's
## time and allocations against the plain net/http baseline, the ratio and the target beside it;
## peak heap for 10k and 100k members; applying 1,000 role changes by semantic patch against one
## PATCH per member (requests, elapsed); rate-limit efficiency. Figures are medians of BENCH_COUNT runs.
BENCH_COUNT ?= 3
bench:
	set -o pipefail; $(GO) test -run '^$$' -bench . -benchmem -count=$(BENCH_COUNT) $(PKGS) | $(GO) run ./tests/bench/benchreport

## fuzz: run every fuzz target for FUZZTIME each (default 1m). `make test` runs each for
## FUZZTIME_CI executions (seed corpus included), after their seed corpora have run as ordinary
## tests. A count, not a duration: Go 1.26's fuzz coordinator can fail a target with a bare
## "context deadline exceeded" when a duration ends on a busy machine, no input at fault
## (go.dev/issue/75804, fixed in Go 1.27); a count has no deadline to race.
.PHONY: fuzz
FUZZTIME ?= 1m
FUZZTIME_CI ?= 2000x
FUZZ_PKGS := ./wrapper ./review ./fake ./tests ./tests/reliability ./cmd/ldaccess/internal/config
fuzz:
	@set -e; for p in $(FUZZ_PKGS); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			echo "== $$p $$t ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p; \
		done; \
	done

## tidy: go mod tidy for both modules. The command's module requires the library at a
## placeholder version that only go.work resolves, and go mod tidy ignores go.work: it is
## tidied against this checkout through a replace directive that is dropped again at once (a
## replace would break go install …/cmd/ldaccess@latest).
.PHONY: tidy
tidy:
	$(GO) mod tidy
	cd cmd/ldaccess && $(GO) mod edit -replace github.com/ldaccess/ldaccess=../.. && \
		{ GOWORK=off $(GO) mod tidy; status=$$?; $(GO) mod edit -dropreplace github.com/ldaccess/ldaccess; exit $$status; }

## The contract against the world around it. tools/ is a module of its own, so that oasdiff and
## apidiff never reach the library's go.mod; `go run` caches the built tool. See CONTRIBUTING.md,
## "When LaunchDarkly changes its spec".
CONTRACT := GOWORK=off $(GO) -C tools run ./contract -root ..
UPSTREAM ?=
UPSTREAM_REF ?= HEAD
.PHONY: drift compat compat-baseline pin contract-checks

## drift: openapi.yaml against the pinned upstream document (upstream/), structurally; fails on a
## difference upstream/deviations.yaml does not explain. UPSTREAM=file compares with a newer
## LaunchDarkly document instead and first prints what LaunchDarkly changed since the pin.
drift:
	@$(CONTRACT) drift $(if $(UPSTREAM),-upstream $(abspath $(UPSTREAM)))

## compat: the contract and the Go API of api, wrapper, review and fake against the last release
## (compat/baseline); fails on a breaking change that CHANGELOG.md's Unreleased section does not name.
compat:
	@$(CONTRACT) compat

## compat-baseline: record the current tree as release VERSION (run when tagging it).
compat-baseline:
	@test -n "$(VERSION)" || { echo "usage: make compat-baseline VERSION=vX.Y.Z"; exit 2; }
	@$(CONTRACT) baseline -version $(VERSION) -commit $$(git rev-parse HEAD)

## pin: copy the parts of LaunchDarkly's OpenAPI document that our operations reach into
## upstream/, from a clone of launchdarkly/api-client-go: make pin UPSTREAM_GIT=dir [UPSTREAM_REF=tag]
pin:
	@test -n "$(UPSTREAM_GIT)" || { echo "usage: make pin UPSTREAM_GIT=<clone of launchdarkly/api-client-go> [UPSTREAM_REF=<tag or commit>]"; exit 2; }
	@set -e; tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; g="git -C $(abspath $(UPSTREAM_GIT))"; \
	$$g show "$(UPSTREAM_REF):api/openapi.yaml" > "$$tmp"; \
	$$g show "$(UPSTREAM_REF):LICENSE.txt" > upstream/LICENSE.txt; \
	$(CONTRACT) pin -from "$$tmp" -commit "$$($$g rev-parse "$(UPSTREAM_REF)^{commit}")" \
		-version "$$($$g log -1 --format=%s "$(UPSTREAM_REF)" | sed -n 's/^Version \([^ ]*\) .*/\1/p')" \
		-date "$$($$g log -1 --format=%cs "$(UPSTREAM_REF)")"

## contract-checks: drift, compat and the tests of the tool behind them (make test runs this)
contract-checks: drift compat
	GOWORK=off $(GO) -C tools vet ./...
	GOWORK=off $(GO) -C tools test ./...
