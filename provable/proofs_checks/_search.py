r"""Claims over instance spaces: falsification search with hypothesis.

A theorem that says "for every instance of this class, score(instance) <= threshold" is
checked by *searching* the class: a hypothesis strategy draws instances, each is scored,
:func:`hypothesis.target` steers the search towards the worst score, and the first
instance that breaks the statement is shrunk by hypothesis to a minimal one (minimal in
hypothesis' sense: the shortlex-smallest choice sequence that still breaks it — few
states or arms, simple numbers). The verdict shows the search: how many instances were
tried, the worst score and its instance, and for a violation the shrunk counterexample,
printed so that it can be rebuilt, with a one-line replay.

Noise. When the score is random (a regret, a sample count), ``score(instance, seeds)``
returns one value per seed (or a row of values per seed, one per horizon). The
statistic of an instance is the mean over seeds (the largest column mean for rows),
with a Student-t interval. During the search the seeds are fixed, so the score of an
instance is a deterministic function of it and shrinking is consistent; an instance is a
*candidate* when the interval lies beyond the threshold. A candidate is then scored on
*fresh* seeds (disjoint from the search seeds, the column chosen on the search seeds)
and the verdict is ``violated`` only when the fresh interval also lies beyond the
threshold: the search's own selection (the winner's curse) cannot make a violation.

Memory. With a database directory (``database=``; :func:`~provable.proofs_checks.verify`
and ``provable verify --out DIR`` use ``DIR/cache/search``) hypothesis keeps the
counterexamples and the worst instances found (its Pareto front of the targeted scores),
and a re-run replays them before drawing new ones: a change that reintroduces a failure
finds it at once.

Examples
--------
A false bound, found and shrunk:

>>> from hypothesis import strategies as st
>>> from provable import proofs_checks as pc
>>> v = pc.falsify(st.integers(0, 10**6), lambda n: n * n, threshold=1000,
...                what="n^2", max_examples=50, seed=0, database=None)
>>> v.status, v.data["search"]["counterexample"]["instance"]
('violated', '32')
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType, ProvableError, UnknownName
from provable.proofs_checks._verdict import Verdict

__all__ = ["InstanceSearch", "ScoreError", "describe", "falsify", "get_search", "register",
           "register_builder", "replay_search", "search_database", "with_search",
           "worst_case_curve", "SEARCH_DB_ENV"]

#: Environment variable naming the example-database directory of searches that run
#: with ``database="auto"`` (set by the claim runner to ``<out>/cache/search``).
SEARCH_DB_ENV = "PROVABLE_SEARCH_DB"

_SEARCHES: dict[str, InstanceSearch] = {}
#: name -> builder(params) of searches whose space or score depends on parameters
_BUILDERS: dict[str, Callable[[dict], InstanceSearch]] = {}
_KINDS = ("upper", "lower")
_SEED_STRIDE = 10_000_000
_FRESH_OFFSET = 5_000_000


class ScoreError(ProvableError, RuntimeError):
    """The score function raised on an instance (the shrunk instance is named)."""


class _ScoreRaised(Exception):
    """Carries an exception of the score function through hypothesis."""

    def __init__(self, text: str, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.text, self.error = text, error


# ---------------------------------------------------------------------------
# printing instances so that a person can rebuild them


def _num(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    if isinstance(x, (int, np.integer)):
        return repr(int(x))
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return repr(f) if math.isfinite(f) else f"float({str(f)!r})"
    return describe(x)


def _array(a: np.ndarray) -> str:
    a = np.asarray(a)
    if a.dtype == bool:
        return f"np.array({a.tolist()!r})"
    if np.issubdtype(a.dtype, np.integer):
        return f"np.array({a.tolist()!r})"
    return "np.array(" + _nested(a.astype(float).tolist()) + ")"


def _nested(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_nested(x) for x in v) + "]"
    return _num(v)


def describe(x: Any) -> str:
    """Python text that rebuilds ``x`` (evaluated by :func:`replay_search` with ``np`` and
    the model classes of provable in scope).

    Bandits print their means, tabular MDPs their ``P``, ``R`` and ``gamma``, DFAs their
    transition table, accepting set and start state, arrays their entries (floats with
    ``repr``, so exactly); tuples, lists and dicts recurse; anything else falls back on
    ``repr``.

    Examples
    --------
    >>> import numpy as np
    >>> from provable.learners.bandits import BernoulliBandit
    >>> describe(BernoulliBandit([0.25, 0.5]))
    'BernoulliBandit([0.25, 0.5])'
    >>> describe((np.array([1.0, 0.5]), 3))
    '(np.array([1.0, 0.5]), 3)'
    """
    name = type(x).__name__
    if isinstance(x, (bool, int, float, np.generic)):
        return _num(x)
    if isinstance(x, np.ndarray):
        return _array(x)
    if isinstance(x, tuple):
        inner = ", ".join(describe(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    if isinstance(x, list):
        return "[" + ", ".join(describe(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {describe(v)}" for k, v in x.items()) + "}"
    if name == "BernoulliBandit":
        return f"BernoulliBandit({_nested(np.asarray(x.means, float).tolist())})"
    if name == "GaussianBandit":
        return (f"GaussianBandit({_nested(np.asarray(x.means, float).tolist())}, "
                f"sigma={_num(x.sigma)})")
    if name == "TabularMDP":
        P = x.dense_P() if hasattr(x, "dense_P") else x.P
        R = x.R_at(0) if hasattr(x, "R_at") else x.R
        tail = f", horizon={x.horizon!r}" if getattr(x, "horizon", None) is not None else ""
        return (f"TabularMDP({_array(np.asarray(P))}, {_array(np.asarray(R))}, "
                f"gamma={_num(x.gamma)}{tail})")
    if name == "DFA":
        alpha = "".join(str(s) for s in x.alphabet)
        alpha_arg = (f", alphabet={alpha!r}" if len(alpha) == x.n_symbols
                     else f", alphabet={list(x.alphabet)!r}")
        return (f"DFA({np.asarray(x.delta).tolist()!r}, "
                f"{np.asarray(x.accepting, bool).tolist()!r}, start={int(x.start)}{alpha_arg})")
    return repr(x)


def _namespace() -> dict[str, Any]:
    import provable as pv
    from provable.automata import DFA
    from provable.learners.bandits import BernoulliBandit, GaussianBandit

    return {"np": np, "pv": pv, "TabularMDP": pv.TabularMDP, "DFA": DFA,
            "BernoulliBandit": BernoulliBandit, "GaussianBandit": GaussianBandit,
            "float": float, "array": np.array}


def _rebuild(text: str) -> Any:
    if not isinstance(text, str):
        raise InvalidType(f"instance={text!r}, expected the printed form of an instance (a str)")
    try:
        return eval(text, {"__builtins__": {}}, _namespace())  # noqa: S307 - the user's text
    except Exception as e:  # noqa: BLE001
        raise InvalidArgument(f"instance={text!r} cannot be rebuilt ({type(e).__name__}: "
                              f"{e}), expected the text printed by a search verdict") from e


# ---------------------------------------------------------------------------
# scoring one instance


@dataclass
class _Scored:
    text: str
    stat: float          # the statistic (the score, or the worst column mean over seeds)
    excess: float        # stat - threshold (upper) or threshold - stat (lower)
    lo: float            # interval of the excess (equal to it when deterministic)
    hi: float
    column: int | None = None
    n: int = 1
    obj: Any = field(default=None, repr=False)

    def row(self) -> dict[str, Any]:
        return {"instance": self.text, "score": self.stat, "excess": self.excess,
                "interval": [self.lo, self.hi], "column": self.column, "n_seeds": self.n}


def _short(text: str, n: int = 240) -> str:
    """``text``, cut for a reason line (the full text stays in ``data["search"]``)."""
    return text if len(text) <= n else text[: n - 40] + " ... (in full in data['search'])"


def _t_quantile(n: int, level: float) -> float:
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2, n - 1))


def _search_seeds(seed: int, n: int) -> np.ndarray:
    return _SEED_STRIDE * int(seed) + np.arange(int(n), dtype=np.int64)


def _fresh_seeds(seed: int, n: int) -> np.ndarray:
    return _SEED_STRIDE * int(seed) + _FRESH_OFFSET + np.arange(int(n), dtype=np.int64)


@dataclass(frozen=True)
class InstanceSearch:
    """A statement quantified over an instance space, searched by hypothesis.

    ``kind="upper"`` states ``score(instance) <= threshold + tol`` for every instance,
    ``"lower"`` states ``score(instance) >= threshold - tol``.

    Attributes
    ----------
    name : str
        Id used for the example database and for :func:`replay_search` (a claim id, or a
        claim id with a suffix); ``""`` for an anonymous search.
    strategy : hypothesis.strategies.SearchStrategy
        The instance space.
    score : callable
        ``score(instance) -> float``; with ``n_seeds``, ``score(instance, seeds)`` returning
        ``(n_seeds,)`` or ``(n_seeds, m)`` values (``m`` columns: horizons, checkpoints).
    threshold, kind, tol : float, str, float
        The statement.
    what : str
        The score in words (reports).
    n_seeds : int, optional
        Seeds per instance during the search (a noisy score); ``None``: deterministic.
    confirm_seeds : int, optional
        Fresh seeds on which a candidate is confirmed (default ``2 * n_seeds``).
    level : float
        Two-sided level of the Student-t intervals over seeds.
    max_shrinks : int
        Scored instances allowed while shrinking (after the first failure).
    show : callable
        Printer of instances (default :func:`describe`).
    params : dict
        The parameters the search was built with (a claim's budget), repeated in the
        replay line so that :func:`replay_search` rebuilds the same search.
    """

    name: str
    strategy: Any = field(repr=False)
    score: Callable[..., Any] = field(repr=False)
    threshold: float = 0.0
    kind: str = "upper"
    tol: float = 0.0
    what: str = "score"
    n_seeds: int | None = None
    confirm_seeds: int | None = None
    level: float = 0.95
    max_shrinks: int = 200
    show: Callable[[Any], str] = field(default=describe, repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from hypothesis.strategies import SearchStrategy

        if not isinstance(self.name, str):
            raise InvalidType(f"name={self.name!r}, expected a str")
        if not isinstance(self.strategy, SearchStrategy):
            raise InvalidType(f"strategy={self.strategy!r}, expected a hypothesis strategy")
        if not callable(self.score):
            raise InvalidType(f"score={self.score!r}, expected a callable")
        check_choice("kind", self.kind, _KINDS)
        check_real("threshold", self.threshold)
        check_real("tol", self.tol, lower=0.0)
        check_real("level", self.level, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
        check_int("max_shrinks", self.max_shrinks, min_value=0)
        if self.n_seeds is not None:
            check_int("n_seeds", self.n_seeds, min_value=2)
        if self.confirm_seeds is not None:
            if self.n_seeds is None:
                raise InvalidArgument("confirm_seeds is given but n_seeds is None: a "
                                      "deterministic score has nothing to confirm")
            check_int("confirm_seeds", self.confirm_seeds, min_value=2)

    # -- scoring --------------------------------------------------------------
    @property
    def noisy(self) -> bool:
        """Whether the score is estimated over seeds."""
        return self.n_seeds is not None

    def _excess(self, stat: float) -> float:
        return stat - self.threshold if self.kind == "upper" else self.threshold - stat

    def _evaluate(self, instance: Any, seeds: np.ndarray | None, column: int | None = None,
                  text: str | None = None) -> _Scored:
        text = self.show(instance) if text is None else text
        try:
            raw = self.score(instance) if seeds is None else self.score(instance, seeds)
        except Exception as e:  # noqa: BLE001 - reported with the shrunk instance
            raise _ScoreRaised(text, e) from e
        if seeds is None:
            try:
                stat = float(raw)
            except (TypeError, ValueError) as e:
                raise InvalidType(f"score({text}) returned {raw!r}, expected a real "
                                  "number") from e
            if math.isnan(stat):
                stat = math.inf if self.kind == "upper" else -math.inf
            e = self._excess(stat)
            return _Scored(text, stat, e, e, e)
        vals = np.asarray(raw, dtype=float)
        if vals.ndim == 1:
            vals = vals[:, None]
        if vals.ndim != 2 or vals.shape[0] != len(seeds):
            raise InvalidArgument(f"score({text}, seeds) has shape {vals.shape}, expected "
                                  f"({len(seeds)},) or ({len(seeds)}, m): one row per seed")
        vals = np.where(np.isnan(vals), np.inf if self.kind == "upper" else -np.inf, vals)
        means = vals.mean(axis=0)
        if column is None:
            column = int(np.argmax(means) if self.kind == "upper" else np.argmin(means))
        col = vals[:, column]
        stat = float(col.mean())
        n = len(col)
        e = self._excess(stat)
        if not np.isfinite(col).all():  # a non-finite (or NaN) measurement is the worst case
            return _Scored(text, stat, e, e, e, column=column, n=n)
        half = _t_quantile(n, self.level) * float(col.std(ddof=1)) / math.sqrt(n)
        return _Scored(text, stat, e, e - half, e + half, column=column, n=n)

    def _bad(self, r: _Scored) -> bool:
        return r.lo > self.tol

    # -- the search -----------------------------------------------------------
    def run(self, max_examples: int = 50, *, seed: int = 0, database: Any = "auto") -> Verdict:
        """Search the instance space and judge the statement.

        Parameters
        ----------
        max_examples : int
            Hypothesis' budget of instances (generation and targeting; replayed database
            entries and shrinking come on top, shrinking capped by ``max_shrinks``).
        seed : int
            Seeds hypothesis (the search is reproducible) and the score's seeds.
        database : "auto", path, None or hypothesis ExampleDatabase
            Where the worst instances are kept: ``"auto"`` uses the directory in the
            environment variable ``PROVABLE_SEARCH_DB`` when it is set (the claim runner
            sets it to ``<out>/cache/search``), else none.

        Returns
        -------
        Verdict
            ``holds`` (no instance broke the statement; the worst one is reported),
            ``violated`` (the shrunk counterexample, confirmed on fresh seeds when the score
            is noisy) or ``inconclusive`` (a candidate not confirmed, or the worst
            instance's interval reaching the threshold). ``data["search"]`` holds the
            search: instances tried, scores in search order, the worst instance, the
            counterexample and its replay line.
        """
        max_examples = check_int("max_examples", max_examples, min_value=1)
        seed = check_int("seed", seed, min_value=0)
        log, st_, found, db_path = self._search(max_examples, seed, database)
        try:
            return self._verdict(log, st_, found, seed, max_examples, db_path)
        except _ScoreRaised as e:  # while confirming on fresh seeds
            raise ScoreError(f"score raised {type(e.error).__name__}: {e.error} on the "
                             f"instance {e.text} (fresh seeds)") from e.error

    def _search(self, max_examples: int, seed: int, database: Any
                ) -> tuple[list[_Scored], dict[str, Any], bool, str | None]:
        """Run hypothesis: the scored instances in order, the search state, whether a
        counterexample was found, and the database directory."""
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings, target

        db, db_path = search_database(database, self._db_name())
        seeds = _search_seeds(seed, self.n_seeds) if self.noisy else None
        memo: dict[str, _Scored] = {}
        log: list[_Scored] = []
        st_: dict[str, Any] = {"first": None, "last": None, "shrinks": 0, "capped": False,
                               "raised": None}

        class _Found(Exception):
            pass

        def body(instance: Any) -> None:
            text = self.show(instance)
            r = memo.get(text)
            if r is None:
                if st_["first"] is not None and st_["shrinks"] >= self.max_shrinks:
                    st_["capped"] = True
                    return
                try:
                    r = self._evaluate(instance, seeds, text=text)
                except _ScoreRaised as e:
                    st_["raised"] = (e.text, e.error)
                    raise
                r.obj = instance
                memo[text] = r
                log.append(r)
                if st_["first"] is not None:
                    st_["shrinks"] += 1
            if math.isfinite(r.excess):
                target(float(r.excess), label="excess")
            if self._bad(r):
                if st_["first"] is None:
                    st_["first"] = (instance, r)
                st_["last"] = (instance, r)
                raise _Found

        base = settings.get_profile("default")
        conf = settings(base, max_examples=max_examples, database=db, deadline=None,
                        derandomize=False, report_multiple_bugs=False, print_blob=False,
                        verbosity=Verbosity.quiet,
                        suppress_health_check=list(HealthCheck),
                        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target,
                                Phase.shrink])
        test = conf(given(self.strategy)(body))
        # seed the search as hypothesis.seed does, but keep the example database
        # (hypothesis.seed and derandomize=True both switch it off)
        test._hypothesis_internal_use_seed = seed
        found = False
        try:
            with _without_local_constants():
                test()
        except _Found:
            found = True
        except _ScoreRaised as e:
            text, err = st_["raised"] or (e.text, e.error)
            raise ScoreError(f"score raised {type(err).__name__}: {err} on the instance "
                             f"{text} (shrunk by hypothesis)") from err
        return log, st_, found, db_path

    def _db_name(self) -> str:
        key = f"{self.name}|{self.kind}|{self.threshold!r}|{self.tol!r}|{self.n_seeds}"
        return (self.name or "anonymous") + "-" + hashlib.sha256(key.encode()).hexdigest()[:12]

    def _replay_line(self, text: str, seed: int = 0) -> str:
        if self.name and (self.name in _BUILDERS or _SEARCHES.get(self.name) is self):
            extra = f", params={self.params!r}" if self.params and self.name in _BUILDERS else ""
            extra += f", seed={seed}" if seed and self.noisy else ""
            return (f"from provable import proofs_checks as pc; "
                    f"print(pc.replay_search({self.name!r}, {text!r}{extra}))")
        return f"instance = {text}"

    def _verdict(self, log: list[_Scored], st_: dict, found: bool, seed: int,
                 max_examples: int, db_path: str | None) -> Verdict:
        what = self.what
        rel = "<=" if self.kind == "upper" else ">="
        stmt = f"{what} {rel} {self.threshold:g}" + (f" (tol {self.tol:g})" if self.tol else "")
        worst = max(log, key=lambda r: r.excess) if log else None
        search: dict[str, Any] = {
            "name": self.name, "statement": stmt, "max_examples": max_examples,
            "instances_tried": len(log) - int(st_["shrinks"]),
            "instances_shrinking": int(st_["shrinks"]), "seed": seed, "database": db_path,
            "noisy": self.noisy, "n_seeds": self.n_seeds,
            "scores": [r.stat for r in log],
            "worst": None if worst is None else worst.row(),
        }
        figure = {"x": list(range(1, len(log) + 1)), "y": [r.stat for r in log],
                  "ref_y": None, "ref_label": "", "xlabel": "instance (search order)",
                  "ylabel": what, "logx": False, "logy": False, "hline": float(self.threshold),
                  "hline_label": f"threshold {self.threshold:g}",
                  "label": "searched instances", "style": "o"}
        data = {"search": search, "figure": figure}
        n_shrink = int(st_["shrinks"])
        tried = f"{len(log) - n_shrink} instances tried (budget {max_examples})" + (
            f", {n_shrink} more while shrinking" if n_shrink else "")
        if found:
            inst, r = st_["last"]
            cex = {**r.row(), "shrink_steps": st_["shrinks"], "shrink_capped": st_["capped"],
                   "first_found": st_["first"][1].row(), "replay": self._replay_line(r.text, seed)}
            search["counterexample"] = cex
            if not self.noisy:
                return Verdict(claim="", status="violated", measured=r.stat,
                               expected=self.threshold, tolerance=self.tol,
                               reason=f"{stmt} fails on {r.text} ({what} = {r.stat:.6g}; shrunk "
                                      f"by hypothesis in {st_['shrinks']} steps; {tried}); "
                                      f"replay: {cex['replay']}",
                               data=data)
            # noisy: confirm on fresh seeds, the column fixed by the search seeds
            m = self.confirm_seeds or 2 * int(self.n_seeds)
            fresh = _fresh_seeds(seed, m)
            candidates = [(inst, r)]
            if st_["first"][1].text != r.text:
                candidates.append(st_["first"])
            for c_inst, c_r in candidates:
                f = self._evaluate(c_inst, fresh, column=c_r.column, text=c_r.text)
                if self._bad(f):
                    cex.update({"instance": f.text, "confirmed": f.row(),
                                "replay": self._replay_line(f.text, seed)})
                    shrunk = "shrunk" if f.text == r.text else "first found (the shrunk one " \
                                                               "was not confirmed)"
                    return Verdict(
                        claim="", status="violated", measured=f.stat, expected=self.threshold,
                        ci=self._stat_interval(f), tolerance=self.tol,
                        reason=(f"{stmt} fails on the {shrunk} instance {f.text}: confirmed on "
                                f"{m} fresh seeds, {what} = {f.stat:.4g} (margin "
                                f"{f.excess:.3g}, {self.level:.0%} interval "
                                f"[{f.lo:.3g}, {f.hi:.3g}] beyond the threshold); {tried}; "
                                f"replay: {cex['replay']}"),
                        data=data)
                cex.setdefault("unconfirmed", []).append(f.row())
            return Verdict(claim="", status="inconclusive", measured=r.stat,
                           expected=self.threshold, tolerance=self.tol,
                           reason=(f"{stmt}: the candidate {r.text} ({what} = {r.stat:.4g} on the "
                                   f"search seeds) was not confirmed on {m} fresh seeds (a "
                                   f"winner's curse, or a margin too small for the seeds); "
                                   f"{tried}; rerun with more seeds"),
                           data=data)
        if worst is None:
            return Verdict(claim="", status="inconclusive", tolerance=self.tol,
                           expected=self.threshold,
                           reason=f"{stmt}: the strategy produced no instance", data=data)
        w = worst
        if self.noisy:
            m = self.confirm_seeds or 2 * int(self.n_seeds)
            # the worst instance, rescored on fresh seeds (its search score is biased up)
            w = self._evaluate(worst.obj, _fresh_seeds(seed, m), column=worst.column,
                               text=worst.text)
            search["worst_fresh"] = w.row()
            if w.hi > self.tol:
                return Verdict(claim="", status="inconclusive", measured=w.stat,
                               expected=self.threshold, ci=self._stat_interval(w),
                               tolerance=self.tol,
                               reason=(f"{stmt}: no instance broke it, but the worst one, "
                                       f"{_short(w.text)}, has {what} = {w.stat:.4g} with "
                                       f"{self.level:.0%} interval reaching the threshold "
                                       f"(excess interval [{w.lo:.3g}, {w.hi:.3g}]); {tried}; "
                                       "more seeds would decide"),
                               data=data)
        return Verdict(claim="", status="holds", measured=w.stat, expected=self.threshold,
                       ci=self._stat_interval(w) if self.noisy else None, tolerance=self.tol,
                       reason=(f"{stmt} on every searched instance: {tried}, worst {what} = "
                               f"{w.stat:.4g} on {_short(w.text)}"
                               + (f" (interval of the excess [{w.lo:.3g}, {w.hi:.3g}] on fresh "
                                  "seeds)" if self.noisy else "")),
                       data=data)

    def _stat_interval(self, r: _Scored) -> tuple[float, float]:
        if self.kind == "upper":
            return (r.lo + self.threshold, r.hi + self.threshold)
        return (self.threshold - r.hi, self.threshold - r.lo)

    def replay(self, instance: Any, *, seed: int = 0) -> Verdict:
        """Score one instance (an object, or its printed form) and judge the statement on it.

        A noisy score is judged on the fresh (confirmation) seeds of ``seed``, as the
        search confirms its candidates: ``violated`` when the interval lies beyond the
        threshold, ``holds`` when it lies on the right side, ``inconclusive`` otherwise.
        """
        seed = check_int("seed", seed, min_value=0)
        if isinstance(instance, str):
            text, instance = instance, _rebuild(instance)
        else:
            text = self.show(instance)
        seeds = _fresh_seeds(seed, self.confirm_seeds or 2 * int(self.n_seeds)) \
            if self.noisy else None
        try:
            r = self._evaluate(instance, seeds, text=text)
        except _ScoreRaised as e:
            raise ScoreError(f"score raised {type(e.error).__name__}: {e.error} on the "
                             f"instance {e.text}") from e.error
        rel = "<=" if self.kind == "upper" else ">="
        stmt = f"{self.what} {rel} {self.threshold:g}"
        if r.lo > self.tol:
            status, why = "violated", "beyond the threshold"
        elif r.hi <= self.tol:
            status, why = "holds", "within the threshold"
        else:
            status, why = "inconclusive", "the interval straddles the threshold"
        extra = f" (excess interval [{r.lo:.3g}, {r.hi:.3g}] over {r.n} seeds)" \
            if self.noisy else ""
        return Verdict(claim=self.name, status=status, measured=r.stat, expected=self.threshold,
                       ci=self._stat_interval(r) if self.noisy else None, tolerance=self.tol,
                       reason=f"{stmt} on {text}: {self.what} = {r.stat:.6g}, {why}{extra}",
                       data={"instance": text, **r.row()})


# ---------------------------------------------------------------------------
# the example database


@contextlib.contextmanager
def _without_local_constants() -> Any:
    """Hypothesis (6.131 on) also draws the literal constants of every *local* module in
    ``sys.modules`` (code outside site-packages), so the instances a seed tries would
    depend on which modules happen to be imported, and on whether provable is installed
    editable. A search switches that pool off, so that a seed names the same instances
    in any session with the same hypothesis version (its global pool of edge values
    stays on)."""
    try:
        from hypothesis.internal.conjecture import providers as hp
        empty, cache = hp.Constants(), hp.CONSTANTS_CACHE
        original = hp._get_local_constants
    except (ImportError, AttributeError):     # another hypothesis: nothing to switch off
        yield
        return
    cache.cache.clear()
    hp._get_local_constants = lambda: empty
    try:
        yield
    finally:
        hp._get_local_constants = original
        cache.cache.clear()


def search_database(database: Any, name: str) -> tuple[Any, str | None]:
    """Resolve ``database`` (``"auto"``, a directory, ``None`` or an ExampleDatabase) to a
    hypothesis example database for the search ``name``, and its directory.

    Examples
    --------
    >>> search_database(None, "demo")
    (None, None)
    """
    from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

    if database is None:
        return None, None
    if isinstance(database, ExampleDatabase):
        return database, None
    if isinstance(database, str) and database == "auto":
        env = os.environ.get(SEARCH_DB_ENV)
        if not env:
            return None, None
        database = env
    if not isinstance(database, (str, os.PathLike)):
        raise InvalidType(f"database={database!r}, expected 'auto', a directory, None or a "
                          "hypothesis ExampleDatabase")
    path = Path(database) / name
    return DirectoryBasedExampleDatabase(str(path)), str(path)


@contextlib.contextmanager
def _database_env(directory: str | os.PathLike | None):
    """Set :data:`SEARCH_DB_ENV` to ``directory`` for the duration (the runner's hook)."""
    if directory is None:
        yield
        return
    old = os.environ.get(SEARCH_DB_ENV)
    os.environ[SEARCH_DB_ENV] = str(directory)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(SEARCH_DB_ENV, None)
        else:
            os.environ[SEARCH_DB_ENV] = old


# ---------------------------------------------------------------------------
# public helpers


def get_search(name: str, params: dict | None = None) -> InstanceSearch:
    """The registered search ``name`` (loading the claim catalogue first), rebuilt for
    ``params`` when it was registered with a builder."""
    from provable.proofs_checks._claim import catalogue

    if name not in _SEARCHES and name not in _BUILDERS:
        catalogue()
    if params is not None:
        if name not in _BUILDERS:
            raise InvalidArgument(f"params={params!r} given, but the search {name!r} has no "
                                  "builder: it does not depend on parameters")
        return _BUILDERS[name](dict(params))
    if name not in _SEARCHES:
        raise UnknownName(f"search name={name!r} is not registered (registered: "
                          f"{', '.join(sorted(_SEARCHES)) or 'none'})")
    return _SEARCHES[name]


def replay_search(name: str, instance: Any, *, seed: int = 0,
                  params: dict | None = None) -> Verdict:
    """Replay the registered search ``name`` on one instance (its printed form, as a
    violated verdict prints it): the statement judged on that instance alone, with the
    search rebuilt for ``params`` when given (the replay line of a claim's verdict
    carries its budget's parameters).

    Examples
    --------
    >>> from hypothesis import strategies as st
    >>> s = InstanceSearch("demo.square", st.integers(0, 100), lambda n: n * n,
    ...                    threshold=1000, what="n^2")
    >>> _ = register(s)
    >>> replay_search("demo.square", "32").status
    'violated'
    """
    return get_search(name, params).replay(instance, seed=seed)


def register(search: InstanceSearch) -> InstanceSearch:
    """Register ``search`` under its name (for :func:`replay_search`); returns it."""
    if not search.name:
        raise InvalidArgument("name='', expected a name to register the search under")
    _SEARCHES[search.name] = search
    return search


def register_builder(name: str, builder: Callable[[dict], InstanceSearch]) -> None:
    """Register ``builder(params) -> InstanceSearch`` under ``name``, so that
    :func:`replay_search` can rebuild a search for the parameters its verdict names."""
    if not isinstance(name, str) or not name:
        raise InvalidArgument(f"name={name!r}, expected a non-empty str")
    _BUILDERS[name] = builder


def falsify(strategy: Any, score: Callable[..., Any], *, threshold: float = 0.0,
            kind: str = "upper", tol: float = 0.0, max_examples: int = 50, seed: int = 0,
            n_seeds: int | None = None, confirm_seeds: int | None = None,
            database: Any = "auto", name: str = "", what: str = "score",
            control: Callable[..., Any] | None = None, control_threshold: float | None = None,
            level: float = 0.95, max_shrinks: int = 200,
            show: Callable[[Any], str] = describe) -> Verdict:
    """Search an instance space for a counterexample to ``score(x) <= threshold``.

    hypothesis draws instances from ``strategy``, steers towards the largest score with
    :func:`hypothesis.target`, and shrinks the first counterexample to a minimal one;
    a noisy score (``n_seeds``) is confirmed on fresh seeds before ``violated``.

    Parameters
    ----------
    strategy : hypothesis.strategies.SearchStrategy
        The instances (e.g. :func:`provable.proofs_checks.strategies.bandit_instances`).
    score : callable
        ``score(instance) -> float``, or with ``n_seeds`` ``score(instance, seeds)``
        returning one value (or one row of values) per seed.
    threshold, kind, tol : float, {"upper", "lower"}, float
        The statement: ``score <= threshold + tol`` (``"upper"``) or
        ``score >= threshold - tol`` (``"lower"``) on every instance.
    max_examples, seed, database
        See :meth:`InstanceSearch.run`.
    n_seeds, confirm_seeds, level, max_shrinks, show
        See :class:`InstanceSearch`.
    name : str
        Registers the search for :func:`replay_search` (and names its database entry).
    what : str
        The score in words.
    control : callable, optional
        The score of a deliberately false statement on the same instances (a planted
        wrong constant); it is searched with the same budget and attached as the
        verdict's negative control. A ``holds`` whose control is not ``violated``
        becomes ``inconclusive``.
    control_threshold : float, optional
        The threshold of the control (default ``threshold``).

    Returns
    -------
    Verdict

    Examples
    --------
    A true statement holds, with the search reported; its planted false twin is found:

    >>> from hypothesis import strategies as st
    >>> v = falsify(st.floats(0, 1), lambda p: p * (1 - p), threshold=0.25, what="p(1-p)",
    ...             control=lambda p: p * (1 - p) + 0.1, max_examples=30, database=None)
    >>> v.status, v.control.status, v.data["search"]["instances_tried"] >= 30
    ('holds', 'violated', True)
    """
    s = InstanceSearch(name, strategy, score, threshold=threshold, kind=kind, tol=tol,
                       what=what, n_seeds=n_seeds, confirm_seeds=confirm_seeds, level=level,
                       max_shrinks=max_shrinks, show=show)
    if name:
        register(s)
    v = s.run(max_examples, seed=seed, database=database)
    if control is not None:
        cs = InstanceSearch(f"{name}.control" if name else "", strategy, control,
                            threshold=threshold if control_threshold is None
                            else control_threshold, kind=kind, tol=tol,
                            what=f"{what} (planted false statement)", n_seeds=n_seeds,
                            confirm_seeds=confirm_seeds, level=level, max_shrinks=max_shrinks,
                            show=show)
        if name:
            register(cs)
        cv = cs.run(max_examples, seed=seed, database=database)
        v["control"] = cv
        if v["status"] == "holds" and cv["status"] != "violated":
            v["status"] = "inconclusive"
            v["reason"] += (f"; but the search did not find a counterexample to the planted "
                            f"false statement either (control: {cv['status']}), so this is "
                            "no evidence")
    return v


class _Maximise(InstanceSearch):
    """A search that only steers towards the largest score (no statement to break)."""

    def _bad(self, r: _Scored) -> bool:
        return False


def worst_case_curve(strategy: Any, measure: Callable[[Any, Any, np.ndarray], Any], xs: Any,
                     *, n_seeds: int = 8, confirm_seeds: int | None = None,
                     max_examples: int = 30, seed: int = 0, database: Any = None,
                     name: str = "") -> tuple[np.ndarray, list[str]]:
    """The worst instance at each grid point, found by search, and its values on fresh seeds.

    For a rate whose worst case is not known in closed form: at each ``x`` of the grid,
    hypothesis searches ``strategy`` for the instance that maximises the mean of
    ``measure(instance, x, seeds)`` (one value per seed: a regret at horizon ``x``, a
    sample count at accuracy ``x``), and that instance is measured again on fresh seeds
    (the search's maximum is biased upwards). The result feeds
    :func:`~provable.proofs_checks.rate_verdict` like any per-seed curve.

    Parameters
    ----------
    strategy : hypothesis.strategies.SearchStrategy
        The instances.
    measure : callable
        ``measure(instance, x, seeds) -> (n_seeds,)`` positive values.
    xs : array_like
        The grid.
    n_seeds, confirm_seeds : int
        Seeds per instance during the search, and fresh seeds of the returned curve
        (default ``2 * n_seeds``).
    max_examples, seed, database, name
        Search budget per grid point, seed, example database and name (see
        :meth:`InstanceSearch.run`).

    Returns
    -------
    ys : ndarray (confirm_seeds, len(xs))
        Per-seed values of the worst instance found at each ``x``, on fresh seeds.
    worst : list of str
        The worst instance at each ``x``, printed.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import strategies as st
    >>> xs = np.array([10.0, 100.0, 1000.0])
    >>> ys, worst = worst_case_curve(st.sampled_from([0.5, 1.0]),
    ...                              lambda c, x, seeds: x ** c * np.ones(len(seeds)), xs,
    ...                              max_examples=5)
    >>> worst, ys[0].tolist()
    (['1.0', '1.0', '1.0'], [10.0, 100.0, 1000.0])
    """
    xs = np.asarray(xs, dtype=float)
    if xs.ndim != 1 or xs.size == 0:
        raise InvalidArgument(f"xs has shape {xs.shape}, expected a non-empty 1-D grid")
    n_seeds = check_int("n_seeds", n_seeds, min_value=2)
    m = n_seeds * 2 if confirm_seeds is None else check_int("confirm_seeds", confirm_seeds,
                                                             min_value=2)
    cols, worst = [], []
    for j, x in enumerate(xs):
        def score(inst: Any, seeds: np.ndarray, _x: float = float(x)) -> Any:
            return measure(inst, _x, seeds)

        s = _Maximise(f"{name}@{x:g}" if name else "", strategy, score, threshold=0.0,
                      n_seeds=n_seeds, confirm_seeds=m, what=f"measure at x = {x:g}")
        log, _, _, _ = s._search(check_int("max_examples", max_examples, min_value=1),
                                 check_int("seed", seed, min_value=0) + j, database)
        if not log:
            raise InvalidArgument(f"the strategy produced no instance at x={x:g}")
        w = max(log, key=lambda r: r.stat)
        vals = np.asarray(measure(w.obj, float(x), _fresh_seeds(seed + j, m)), float)
        if vals.shape != (m,):
            raise InvalidArgument(f"measure(..., x={x:g}, seeds) has shape {vals.shape}, "
                                  f"expected ({m},)")
        cols.append(vals)
        worst.append(w.text)
    return np.array(cols).T, worst


def with_search(v: Verdict, sv: Verdict, label: str = "search") -> Verdict:
    """Combine a claim's fixed-instance verdict ``v`` with a search verdict ``sv``.

    The status is ``violated`` when either is, ``holds`` when both hold (and the search's
    planted false statement, ``sv.control``, was found), else ``inconclusive``. The
    search goes to ``v.data["search"]`` (with its control's summary); its score
    picture becomes the verdict's figure when it has none.

    Examples
    --------
    >>> a = Verdict(claim="", status="holds", reason="fixed instances pass")
    >>> b = Verdict(claim="", status="violated", reason="x fails on 3")
    >>> with_search(a, b).status
    'violated'
    """
    sd = dict(sv.get("data", {}).get("search", {}))
    sd["status"] = sv["status"]
    sd["reason"] = sv["reason"]
    ctrl = sv.get("control")
    if isinstance(ctrl, dict):
        csd = ctrl.get("data", {}).get("search", {})
        sd["control"] = {"status": ctrl["status"], "reason": ctrl["reason"],
                         "counterexample": csd.get("counterexample"),
                         "instances_tried": csd.get("instances_tried")}
    data = v.setdefault("data", {}) if isinstance(v.get("data"), dict) else {}
    data[label] = sd
    if "figure" not in data and "fit" not in data and "figure" in sv.get("data", {}):
        data["figure"] = sv["data"]["figure"]
    v["data"] = data
    statuses = (v["status"], sv["status"])
    reason = f"{v['reason']}; {label}: {sv['reason']}"
    if "violated" in statuses:
        v["status"] = "violated"
    elif v["status"] == "holds" and sv["status"] == "holds":
        if isinstance(ctrl, dict) and ctrl.get("status") != "violated":
            v["status"] = "inconclusive"
            reason += (f"; but the {label} did not find the planted false statement's "
                       f"counterexample (control: {ctrl.get('status')})")
        elif isinstance(ctrl, dict):
            reason += f"; the planted false statement was found: {ctrl['reason']}"
    elif v["status"] == "holds":
        v["status"] = "inconclusive"
    v["reason"] = reason
    return v
