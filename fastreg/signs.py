"""Physical sanity check: do the fitted coefficients have the expected signs?"""

from dataclasses import dataclass

import numpy as np

_SIGNS = {"+": 1, "-": -1, 1: 1, -1: -1}


@dataclass(frozen=True)
class SignRow:
    """One feature's coefficient and the sign physics expects of it.

    Parameters
    ----------
    feature : str
        The feature's name.
    coefficient : float
        Its fitted coefficient.
    expected : {+1, -1} or None
        The expected sign; None when not checked.
    """

    feature: str
    coefficient: float
    expected: int | None  # +1, -1 or None (not checked)

    @property
    def ok(self):
        """True or False for a checked sign, None when unchecked."""
        return None if self.expected is None else bool(np.sign(self.coefficient) == self.expected)


@dataclass(frozen=True)
class SignReport:
    """One row per feature; ``ok`` is True when every checked sign is as expected.

    Parameters
    ----------
    rows : tuple of SignRow
        One per feature, in the model's order.
    """

    rows: tuple

    @property
    def ok(self):
        """Whether no checked sign is violated."""
        return all(row.ok is not False for row in self.rows)

    @property
    def violations(self):
        """Names of the features whose sign is violated."""
        return [row.feature for row in self.rows if row.ok is False]

    def __str__(self):
        width = max(len(row.feature) for row in self.rows)
        lines = []
        for row in self.rows:
            if row.expected is None:
                verdict = "not checked"
            else:
                wanted = "> 0" if row.expected > 0 else "< 0"
                verdict = f"expected {wanted}: {'ok' if row.ok else 'VIOLATED'}"
            lines.append(f"{row.feature:<{width}}  {row.coefficient:+.4g}  {verdict}")
        lines.append("all signs as expected" if self.ok else f"unphysical sign: {', '.join(self.violations)}")
        return "\n".join(lines)


def check_signs(model, expected, feature_names=None):
    """Compare a fitted linear model's coefficient signs with physical expectations.

    Parameters
    ----------
    model : fitted estimator with a 1-D ``coef_`` (or one target)
        A fitted linear model (with ``coef_``).
    expected : dict
        Feature name → expected sign (``+1``/``-1`` or ``"+"``/``"-"``), e.g.
        ``{"lattice_constant": -1, "delta_en": +1}`` for band gaps.
    feature_names : sequence of str, optional
        Defaults to ``model.feature_names_in_`` or ``x0, x1, …``.

    Returns
    -------
    report : SignReport
        Per-feature verdicts; ``ok`` is True when every sign is as expected.
    """
    if not hasattr(model, "coef_"):
        raise ValueError(f"{type(model).__name__} has no coef_: fit it first.")
    coef = np.asarray(model.coef_)
    if coef.ndim == 2 and coef.shape[0] == 1:
        coef = coef[0]
    if coef.ndim != 1:
        raise ValueError(f"check_signs needs one target; coef_ has shape {coef.shape}.")
    if feature_names is None:
        feature_names = getattr(model, "feature_names_in_", None)
    names = [f"x{j}" for j in range(coef.size)] if feature_names is None else [str(n) for n in feature_names]
    if len(names) != coef.size:
        raise ValueError(f"{len(names)} feature names for {coef.size} coefficients.")
    unknown = sorted(set(expected) - set(names))
    if unknown:
        raise ValueError(f"expected names features {unknown} that the model does not have; it has {names}.")
    rows = []
    for name, value in zip(names, coef):
        sign = expected.get(name)
        if sign is not None and sign not in _SIGNS:
            raise ValueError(f"expected sign for {name!r} must be +1, -1, '+' or '-', got {sign!r}.")
        rows.append(SignRow(name, float(value), None if sign is None else _SIGNS[sign]))
    return SignReport(tuple(rows))
