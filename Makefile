# Both targets set everything up on a fresh machine with only Python 3.11+ and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# kernel bodies run uncompiled too, so an error hidden by compilation still shows
NOJIT_TESTS := tests/kernels tests/solvers tests/api/test_batched.py tests/api/test_jit.py \
	tests/api/test_gradient_descent.py::test_iterates_match_the_plain_numpy_loop_in_both_modes \
	tests/api/test_pool.py

# lines and branches of fastreg/ together (kernels counted through the no-JIT run); raise it as tests grow
COVERAGE_FLOOR := 90
# branches of the public API and drivers (tests/coverage_floor.py; distributed/ and cli/ reported apart)
BRANCH_FLOOR := 90

.PHONY: demo test docs bench mutate sklearn-suite clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## the main job on the shipped data: structures → features → model → screening, then the band-gap model
	$(BIN)/fastreg demo --out demo --force
	$(BIN)/fastreg bandgap --plot bandgap_parity.png --force

test: $(STAMP)  ## the whole test suite, then the kernel tests once more as plain Python; branch coverage with a floor
	$(BIN)/python -m pytest -q tests --cov=fastreg --cov-branch --cov-report=
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest -q -p no:cacheprovider $(NOJIT_TESTS) \
		--cov=fastreg --cov-branch --cov-append --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)
	$(BIN)/python tests/coverage_floor.py --floor $(BRANCH_FLOOR)

docs: $(STAMP)  ## the documentation site in docs/_build/html (notebooks executed; warnings are errors)
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

bench: $(STAMP)  ## every benchmark against every peer that installs (about 20 min on 2 cores): benchmarks/results.md, speedups.png
	$(BIN)/python -m pip install --quiet -e ".[dev,peers]"
	$(BIN)/fastreg bench --full --out benchmarks --force $(if $(COMPARE),--compare $(COMPARE))

sklearn-suite: $(STAMP)  ## scikit-learn's own linear-model tests with its classes and with fastreg's (about 80 s)
	$(BIN)/python tests/sklearn_suite/report.py

mutate: $(STAMP)  ## mutation testing of the exact-solve drivers, intervals, domain, validation and targets (about 15 min on 2 cores)
	$(BIN)/python -m pip install --quiet "mutmut>=3"
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python tests/mutation_score.py

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks mutants .coverage docs/_build docs/generated
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
