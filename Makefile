# Coxswain developer entry points.
#   make run        install missing packages, build, start PostgreSQL + RabbitMQ + the platform in
#                   the background (.run/), install the `coxswain` CLI wrapper, run a demo. Re-runnable.
#   make stop       stop the platform and the infrastructure of `make run`
#   make test       the whole test suite (own run dir .run-test and ports; runs beside `make run`)
#                   extra swift test arguments: make test ARGS='--filter IntegrationTests'
#   make validate   static checks (swift format lint with .swift-format, shellcheck, API paths only from
#                   the route table); make test runs them first.  make format fixes the formatting.
#   make bench      end-to-end latency benchmark (own run dir .run-bench)
#   make bench-delivery  the two-image product deployed to NODES (10) nodes at once (.run-bench-delivery)
#   make chaos      the fault suite in full: kill -9 of PostgreSQL, RabbitMQ, Gateway, Scheduler, Audit
#                   and a Deployer, 5 rounds each of a 1000-step orchestration on two nodes (own run dir
#                   .run-chaos; make test runs one 150-step round of each)
#   make man        man pages generated from the CLI's own help (ArgumentParser's generate-manual
#                   plugin): .build/man/man1/coxswain.1 and one per service; read with man -l FILE
#   make openapi    the API's OpenAPI 3.1 document into docs/openapi.json (coxswain-gateway --print-openapi,
#                   nothing started), checked with openapi-spec-validator (scripts/openapi-check.sh)
#   make build | status | logs | clean-run
#   make images     release build (.build-release, static Swift stdlib) + one image per service, the CLI,
#                   PostgreSQL and RabbitMQ, FROM scratch (scripts/images.sh; archives in .build-release/images)
#   make compose-up | compose-down   compose/compose.yaml on docker-compose + Podman (.run-compose; Gateway
#                   on 127.0.0.1:36080 and :36081); make compose-test brings it up, tests it, tears it down
#                   (make test runs it too, when the images exist)
#   make k8s-validate  render compose/kubernetes with kubectl kustomize, check with kubernetes-validate --strict
# Ports of `make run`: PostgreSQL 25432, AMQP 25672 (management 35672), HTTP 28080, registry 25500;
# the container engine (Podman's Docker API) listens on .run/engine/podman.sock.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# Plain assignments: values exported by a sourced infra.env do not leak in; `make run PG_PORT=...` still works.
RUN_DIR := $(CURDIR)/.run
PG_PORT := 25432
AMQP_PORT := 25672
HTTP_PORT := 28080
REGISTRY_PORT := 25500
# The demo web container's port on 127.0.0.1 (make run curls it).
DEMO_WEB_PORT := 25580
RUN_ENV := RUN_DIR=$(RUN_DIR) PG_PORT=$(PG_PORT) AMQP_PORT=$(AMQP_PORT) HTTP_PORT=$(HTTP_PORT)
ARGS ?=

.PHONY: run stop test validate format bench bench-delivery chaos build status clean-run logs man
.PHONY: images compose-up compose-down compose-test k8s-validate

run:
	scripts/deps.sh
	swift build
	$(RUN_ENV) scripts/infra.sh start
	$(RUN_ENV) REGISTRY_PORT=$(REGISTRY_PORT) scripts/engine.sh start
	$(RUN_ENV) scripts/platform.sh start
	scripts/install-cli.sh
	$(RUN_ENV) DEMO_WEB_PORT=$(DEMO_WEB_PORT) scripts/demo.sh

stop:
	$(RUN_ENV) scripts/platform.sh stop
	$(RUN_ENV) scripts/engine.sh stop
	$(RUN_ENV) scripts/infra.sh stop

test:
	scripts/test.sh $(ARGS)
	@if [ -z "$(ARGS)" ]; then scripts/compose-test.sh --if-images; fi

# Containers (compose/README.md): own run dir .run-compose, ports 36000-36199 on 127.0.0.1.
images:
	scripts/deps.sh
	scripts/images.sh build

compose-up:
	scripts/deps.sh
	scripts/compose.sh up

compose-down:
	scripts/compose.sh down

compose-test:
	scripts/deps.sh
	scripts/compose-test.sh

k8s-validate:
	scripts/k8s-validate.sh

validate:
	scripts/validate.sh

format:
	git ls-files -co --exclude-standard -- '*.swift' | xargs swift format format -i --parallel --configuration .swift-format

bench:
	scripts/bench.sh

# Delivery at scale: the two-image product deployed to N nodes at once (default 10), through the test harness.
bench-delivery:
	TEST_RUN_DIR=$(CURDIR)/.run-bench-delivery TEST_PG_PORT=25462 TEST_AMQP_PORT=25702 TEST_REGISTRY_PORT=25520 \
	  COXSWAIN_DELIVERY_NODES=$${NODES:-10} scripts/test.sh --filter 'PlatformTests/deliveryAtScale'

chaos:
	COXSWAIN_CHAOS_ROUNDS=$${COXSWAIN_CHAOS_ROUNDS:-5} COXSWAIN_CHAOS_STEPS=$${COXSWAIN_CHAOS_STEPS:-1000} \
	  TEST_RUN_DIR=$(CURDIR)/.run-chaos TEST_PG_PORT=25492 TEST_AMQP_PORT=25732 TEST_REGISTRY_PORT=25520 scripts/test.sh --filter 'IntegrationTests.ChaosTests'

build:
	swift build

# The plugin builds the executables, writes into its work directory; the pages are copied to MAN_DIR.
MAN_DIR := $(CURDIR)/.build/man/man1
man:
	swift package generate-manual
	mkdir -p $(MAN_DIR)
	cp .build/plugins/GenerateManual/outputs/*/*.1 $(MAN_DIR)/
	@echo "man pages in $(MAN_DIR): man -l $(MAN_DIR)/coxswain.1 (or MANPATH=$(dir $(MAN_DIR)) man coxswain)"

status:
	$(RUN_ENV) scripts/infra.sh status
	$(RUN_ENV) scripts/platform.sh status

clean-run:
	for d in $(CURDIR)/.run $(CURDIR)/.run-test $(CURDIR)/.run-bench $(CURDIR)/.run-chaos; do \
	  if [ -d "$$d" ]; then RUN_DIR="$$d" scripts/platform.sh stop; RUN_DIR="$$d" scripts/engine.sh stop; RUN_DIR="$$d" scripts/infra.sh stop; fi; \
	done
	rm -rf $(CURDIR)/.run $(CURDIR)/.run-test $(CURDIR)/.run-bench $(CURDIR)/.run-chaos

logs:
	@ls $(RUN_DIR)/logs/*.log > /dev/null 2>&1 || { echo "no logs in $(RUN_DIR)/logs (make run first)"; exit 1; }
	tail -n 40 -F $(RUN_DIR)/logs/*.log

.PHONY: openapi
openapi:
	swift build --product coxswain-gateway
	mkdir -p docs
	"$$(swift build --show-bin-path)/coxswain-gateway" --print-openapi > docs/openapi.json
	scripts/openapi-check.sh docs/openapi.json
	@echo "docs/openapi.json: the document GET /v1/openapi.json serves"
