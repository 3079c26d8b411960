# Deployment material: the Ansible playbook must at least parse.
VENV_ANSIBLE := build/venv-ansible

$(VENV_ANSIBLE)/bin/ansible-playbook:
	python3 -m venv $(VENV_ANSIBLE)
	$(VENV_ANSIBLE)/bin/pip install -q --disable-pip-version-check ansible-core

.PHONY: check-ansible
check-ansible: $(VENV_ANSIBLE)/bin/ansible-playbook
	$(VENV_ANSIBLE)/bin/ansible-playbook --syntax-check -i deploy/ansible/inventory.example.ini deploy/ansible/site.yml
CHECK_TARGETS += check-ansible
