# Course tasks. Every target creates .venv (and node_modules) when missing.
#   make book    build the HTML book into _build/html
#   make test    run the whole test suite (builds the book, drives Chromium)
#   make lab     open the notebooks in JupyterLab (for instructors)
#   make bench   measure build, rebuild, frame and test times and page weight against budgets
#   make linkcheck  check the book's external links (needs the internet; not run in CI)
#   make audit   build the book, then score every page with Lighthouse against the budgets
#   make student-notebooks  copies of the notebooks without solutions, for handing out
#   make pdf     build the book, then print every page into _build/pdf/ketamine-course.pdf
#   make clean   remove the built book and its execution cache
#   make set-repository REPOSITORY_URL=...  name a fork in the lessons' Colab install cells
#   make quiz-bank  the self-check questions as a QTI quiz and a CSV/Markdown bank (for instructors)
#   make assignments  graded copies of the lessons for nbgrader, in _build/assignments (for instructors)
#   make grade LESSON=8 SUBMISSIONS=folder  grade students' notebooks: a gradebook CSV and feedback

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BOOK_STAMP := $(VENV)/.book-installed
DEV_STAMP  := $(VENV)/.dev-installed
NPM_STAMP  := node_modules/.course-installed
VENDOR_STAMP := node_modules/.course-vendored

.PHONY: book test lab bench linkcheck audit student-notebooks pdf clean prerequisites npm-prerequisite \
	set-repository quiz-bank \
	assignments grade
.DEFAULT_GOAL := book

prerequisites:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "error: Python 3.11 or newer is needed: install it (e.g. apt-get install python3) or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || \
		{ echo "error: Python's venv module is missing: install it (e.g. apt-get install python3-venv)"; exit 1; }

# Only the book and its tests need npm; the instructor tools (e.g. make grade on a hub) do not.
npm-prerequisite:
	@command -v npm >/dev/null 2>&1 || \
		{ echo "error: npm is needed to install the book's JavaScript: install Node.js 18 or newer with npm (e.g. apt-get install nodejs npm)"; exit 1; }

$(BOOK_STAMP): requirements.txt pyproject.toml | prerequisites
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(DEV_STAMP): $(BOOK_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(NPM_STAMP): package.json package-lock.json | prerequisites npm-prerequisite
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) scripts/vendor_assets.py | $(BOOK_STAMP)
	$(BIN)/python scripts/vendor_assets.py
	@touch $@

# The repository's public address (e.g. https://github.com/OWNER/REPO) turns on the
# repository, issue, edit and launch buttons; empty by default, as on a laptop.
# JUPYTERHUB_URL points the JupyterHub button at a school's hub.
REPOSITORY_URL ?=
REPOSITORY_BRANCH ?= main
JUPYTERHUB_URL ?=

book: npm-prerequisite $(BOOK_STAMP) $(VENDOR_STAMP)
	COURSE_REPOSITORY_URL="$(REPOSITORY_URL)" COURSE_REPOSITORY_BRANCH="$(REPOSITORY_BRANCH)" \
	COURSE_JUPYTERHUB_URL="$(JUPYTERHUB_URL)" \
	$(BIN)/python scripts/build_book.py build . --warningiserror --nitpick --keep-going
	@echo "The book is built: open _build/html/index.html in a browser."

# Name the repository in each lesson's Colab install cell (then commit the notebooks).
set-repository: $(BOOK_STAMP)
	$(BIN)/python scripts/set_repository.py "$(REPOSITORY_URL)" "$(REPOSITORY_BRANCH)"

# The lessons' self-checks as a QTI quiz (Canvas, Moodle, Blackboard) and a CSV/Markdown bank.
quiz-bank: $(DEV_STAMP)
	$(BIN)/python scripts/quiz_bank.py --out _build/quiz-bank

# Each lesson as an nbgrader assignment: release/ is for students, the rest stays with you.
assignments: $(DEV_STAMP)
	$(BIN)/python scripts/assignments.py build --out _build/assignments

# Runs the students' code: run it as an ordinary user, never as root on a shared server.
LESSON ?=
SUBMISSIONS ?=
grade: $(DEV_STAMP)
	@test -n "$(LESSON)" && test -n "$(SUBMISSIONS)" || \
		{ echo "usage: make grade LESSON=8 SUBMISSIONS=folder-of-notebooks"; exit 2; }
	$(BIN)/python scripts/assignments.py grade "$(LESSON)" "$(SUBMISSIONS)" --out _build/grades

# One test process per core. Tests that share a costly fixture (a fixture book, a page's
# browser visit, JupyterLab) are marked with one xdist_group, so that one process makes it;
# the groups go out in the order tests/conftest.py puts them in.
test: npm-prerequisite $(DEV_STAMP) $(VENDOR_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder

# JupyterLab refuses to run as root unless told to (containers often run as root).
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(BOOK_STAMP)
	$(BIN)/jupyter lab $(LAB_ROOT_FLAG) notebooks

bench: $(DEV_STAMP) $(VENDOR_STAMP)
	$(BIN)/python benchmarks/run.py

student-notebooks: $(BOOK_STAMP)
	$(BIN)/python scripts/student_notebooks.py

# Printed by Chromium through Playwright; interactive figures show their default frame.
pdf: book $(DEV_STAMP)
	$(BIN)/python scripts/print_pdf.py

audit: book $(DEV_STAMP)
	$(BIN)/python benchmarks/audit.py

# Internal links are checked by the test suite; this checks the links to other sites
# (DOIs, labels, registries) and writes _build/linkcheck/output.txt.
linkcheck: $(BOOK_STAMP) $(VENDOR_STAMP)
	$(BIN)/python scripts/build_book.py build . --builder custom --custom-builder linkcheck; \
		status=$$?; echo "Report of every external link: _build/linkcheck/output.txt"; exit $$status

clean:
	rm -rf _build .vendor $(VENDOR_STAMP)
