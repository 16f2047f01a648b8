# Stable entry points. Each target first brings what is missing (Debian packages,
# Node 24 and pnpm in .tools/, dependencies), then calls the pnpm script behind it.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/bin:$(PATH)
STAGE ?= 1
URL ?= http://127.0.0.1:8080

.PHONY: bootstrap tags test test-docker demo up down ps logs conformance bench drill seed

bootstrap:
	@./scripts/bootstrap.sh

# The stage tags of stages/tags.tsv (scripts/tags.ts): bootstrap creates them as its last step.
tags: bootstrap

test: bootstrap
	pnpm run ci

# Every stage's compose stack under a real Docker engine (installed, started and stopped again when missing;
# stand-in images where no registry can be reached): see docker/README.md.
test-docker: bootstrap
	./scripts/docker-bootstrap.sh run pnpm vitest run --config docker/vitest.config.ts

demo: bootstrap
	pnpm demo

up: bootstrap
	pnpm stack up $(STAGE)

down: bootstrap
	pnpm stack down $(STAGE)

ps: bootstrap
	pnpm stack ps $(STAGE)

logs: bootstrap
	pnpm stack logs $(STAGE)

conformance: bootstrap
	pnpm conformance $(URL)

bench: bootstrap
	pnpm bench $(STAGE)

drill: bootstrap
	pnpm drill $(STAGE) $(DRILL)
