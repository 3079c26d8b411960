# Deployment material: the Ansible playbook must at least parse.
VENV_ANSIBLE := build/venv-ansible

$(VENV_ANSIBLE)/bin/ansible-playbook:
	python3 -m venv $(VENV_ANSIBLE)
	$(VENV_ANSIBLE)/bin/pip install -q --disable-pip-version-check ansible-core

.PHONY: check-ansible
check-ansible: $(VENV_ANSIBLE)/bin/ansible-playbook
	$(VENV_ANSIBLE)/bin/ansible-playbook --syntax-check -i deploy/ansible/inventory.example.ini deploy/ansible/site.yml
CHECK_TARGETS += check-ansible

# `qcoord deploy` on a 2-host testbed of its own (prefix qcdp, 10.231.14): Avocado venvs from
# locally downloaded wheels (cached in build/wheels), idempotence, a job with the venv.
.PHONY: check-deploy
check-deploy: build
	QCOORD=$(QCOORD) PIP_PYTHON=$(VENV113)/bin/python QCOORD_TESTBED_DIR=$(CURDIR)/build/testbed-deploy \
	  QCOORD_TESTBED_PREFIX=qcdp QCOORD_TESTBED_NET=10.231.14 bash scripts/check-deploy.sh
CHECK_TARGETS += check-deploy

# deploy/gitlab-ci/.gitlab-ci.yml run locally (its script: lines in bash, parallel: N as
# CI_NODE_INDEX/CI_NODE_TOTAL, artifacts handed on), twice (without, then with --timings),
# against an unsharded run of examples/tests. PyYAML from the Ansible venv.
.PHONY: check-gitlab-ci
check-gitlab-ci: build $(VENV_ANSIBLE)/bin/ansible-playbook
	$(VENV_ANSIBLE)/bin/python scripts/check-gitlab-ci.py --qcoord $(QCOORD) --python $(VENV113)/bin/python --tests examples/tests
CHECK_TARGETS += check-gitlab-ci

# `git clone` of HEAD + `make demo` in it (exit 0, 11 PASS). The clone's .build is kept in
# build/fresh-clone between runs: the first run compiles everything (~4-5 min), later ~1 min.
.PHONY: check-fresh-clone
check-fresh-clone: setup
	bash scripts/check-fresh-clone.sh
CHECK_TARGETS += check-fresh-clone
