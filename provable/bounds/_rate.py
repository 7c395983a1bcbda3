"""The :class:`Rate` object: a symbolic bound with typed variables and provenance."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from provable._result import RichResult
from provable._validation import check_choice, suggest
from provable.bounds._citation import Citation
from provable.bounds._printing import NOTATION_LATEX, NOTATION_TEXT, to_latex, to_text
from provable.bounds._variables import CATALOGUE, Variable
from provable.errors import InvalidArgument, InvalidModel, InvalidType, NotSupported, UnknownName

__all__ = ["Rate", "Growth", "Comparison", "compare", "KINDS", "QUANTITIES", "SETTINGS",
           "MEASURES"]

KINDS = ("upper", "lower", "exact", "requirement")
QUANTITIES = (
    "regret", "sample complexity", "convergence", "query complexity", "approximation ratio",
    "competitive ratio", "iteration count", "time complexity", "divergence",
)
SETTINGS = (
    "bandit", "linear bandit", "delayed bandit", "OCO", "game", "tabular MDP", "linear MDP",
    "adversarial linear MDP", "average-reward MDP", "function approximation",
    "policy gradient", "RLHF", "automata", "diffusion", "submodular", "sequence models",
    "online algorithms", "exploration",
)
#: default :attr:`Rate.measure` (an axis label) of each quantity
MEASURES = {"regret": "regret", "sample complexity": "samples",
            "convergence": "error", "query complexity": "queries",
            "approximation ratio": "approximation ratio",
            "competitive ratio": "competitive ratio", "iteration count": "iterations",
            "time complexity": "time", "divergence": "divergence"}
_CONSTANTS = ("explicit", "hidden")
_NOTATIONS = tuple(NOTATION_TEXT)


class Growth(NamedTuple):
    """Asymptotic growth of a rate in one variable: ``x^power · log(x)^log_power``.

    For a variable whose regime is ``x → 0`` (``epsilon``, ``delta``) the log factor is
    ``log(1/x)``; for ``gamma → 1`` the power and log power are those of the effective
    horizon ``1/(1 − gamma)``. ``power`` is ``±oo`` for exponential behaviour, in which
    case ``decay_rate`` gives ``lim d log f / dx`` and ``log_power`` is ``None``.
    """

    variable: str
    regime: str
    power: sp.Expr
    log_power: sp.Expr | None
    decay_rate: sp.Expr | None


class Comparison(RichResult):
    """Result of :func:`compare`.

    Fields: ``var``, ``a``, ``b`` (rate ids), ``exponent_a``, ``exponent_b``,
    ``asymptotically_larger`` (``"a"``, ``"b"`` or ``"same order"``), ``ratio_limit``
    (lim a/b in the variable's regime when the orders agree, else ``None``),
    ``crossovers`` (values of ``var`` where a = b on the scanned range), ``regions``
    (list of ``(from, to, larger)``) and ``values`` (the other variables used).
    """

    _fields = ("var", "a", "b", "exponent_a", "exponent_b", "asymptotically_larger",
               "ratio_limit", "crossovers", "regions", "values")


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, positive=True)


def _rational(x: float) -> sp.Rational:
    return sp.Rational(repr(float(x)))


class Rate:
    """A bound from the literature: a sympy expression with typed variables and a source.

    The *order form* is ``expr * polylog``: ``expr`` is the polynomial (or exponential)
    part and ``polylog`` the logarithmic factors that an Õ/Ω̃ hides (kept, not dropped,
    so they can be reported and evaluated). Constants are 1 in the order form unless the
    paper states them; ``explicit`` holds the finite-sample form with the paper's
    constants when there is one.

    Parameters
    ----------
    id : str
        Registry id (``"ucbvi.regret"``).
    expr : sympy.Expr
        Order form without the hidden polylog factor.
    kind : {"upper", "lower", "exact", "requirement"}
        ``upper``/``lower``: the quantity is at most / at least the bound (for an
        approximation ratio, ``lower`` is the guarantee ratio ≥ bound); ``exact``: an
        identity; ``requirement``: an amount (samples, iterations) that suffices.
    quantity : str
        One of :data:`QUANTITIES` (regret, sample complexity, convergence, …).
    setting : str
        One of :data:`SETTINGS` (bandit, tabular MDP, …).
    algorithm : str
        The algorithm or problem the bound is about.
    citation : Citation
        Where it comes from (seed text and restoration for seed entries).
    main_var : str
        The variable the rate is "in" (``"T"`` for regret).
    polylog : sympy.Expr, default 1
        Logarithmic factors hidden by Õ / Ω̃.
    explicit : sympy.Expr or None
        Finite-sample form with the paper's constants.
    forms : mapping str → sympy.Expr, optional
        Further named forms (``{"gap_free": ...}``).
    variables : mapping str → Variable, optional
        Variables whose meaning/domain differ from :data:`CATALOGUE`; every free symbol
        must be described either here or in the catalogue.
    convention : str
        Conventions a reader must know (``"T = KH steps; rewards in [0, 1] per step"``).
    assumptions : sequence of str
        Assumptions of the theorem.
    constants : {"explicit", "hidden"}
        Whether the order form's constants are the paper's (``explicit``) or hidden.
    monotone : sequence of str
        Variables in which the theorem's bound is non-decreasing.
    constraints : sequence of sympy relationals
        Joint conditions on the variables (``mu < mu_star``) checked on evaluation.
    lower_bound : str or None
        Id of the matching lower bound in the registry, when known.
    notation : str or None
        ``"O"``, ``"Otilde"``, ``"Omega"``, ``"Omegatilde"``, ``"Theta"``, ``"="``, ``"<="``,
        ``">="``; default derived from ``kind`` and ``polylog``.
    typical : mapping str → float, optional
        Representative values overriding the variables' ``typical``.
    note : str or None
        Remarks (hidden constants, the regime where the bound holds, …).
    measure : str or None
        What the bound bounds, as an axis label (``"regret"``, ``"KL to the regularised
        Nash equilibrium"``, ``"membership queries"``); default from ``quantity``
        (:data:`MEASURES`).

    Examples
    --------
    >>> import sympy as sp
    >>> from provable.bounds import Citation, Rate
    >>> T, K = sp.symbols("T K", positive=True)
    >>> r = Rate("demo.regret", sp.sqrt(K * T), kind="upper", quantity="regret",
    ...          setting="bandit", algorithm="demo", main_var="T",
    ...          citation=Citation("A paper", "Someone", 2020, origin="reference"))
    >>> r.exponent("T")
    1/2
    >>> r.evaluate(K=4, T=100)
    20.0
    >>> r.solve_for("T", 40.0, K=4)
    400.0...
    """

    def __init__(self, id: str, expr: Any, *, kind: str, quantity: str, setting: str,
                 algorithm: str, citation: Citation, main_var: str, polylog: Any = 1,
                 explicit: Any = None, forms: Mapping[str, Any] | None = None,
                 variables: Mapping[str, Variable] | Iterable[Variable] | None = None,
                 convention: str = "", assumptions: Iterable[str] = (),
                 constants: str = "hidden", monotone: Iterable[str] = (),
                 constraints: Iterable[Any] = (), lower_bound: str | None = None,
                 notation: str | None = None, typical: Mapping[str, float] | None = None,
                 note: str | None = None, measure: str | None = None) -> None:
        if not isinstance(id, str) or not id:
            raise InvalidModel(f"id={id!r}, expected a non-empty string")
        self.id = id
        self.kind = check_choice("kind", kind, KINDS)
        self.quantity = check_choice("quantity", quantity, QUANTITIES)
        self.setting = check_choice("setting", setting, SETTINGS)
        self.constants = check_choice("constants", constants, _CONSTANTS)
        if not isinstance(citation, Citation):
            raise InvalidType(f"citation={citation!r} for rate {id!r}, expected a Citation")
        self.citation = citation
        self.algorithm = algorithm
        self.expr = sp.sympify(expr)
        self.polylog = sp.sympify(polylog)
        self.explicit = None if explicit is None else sp.sympify(explicit)
        self.forms: dict[str, sp.Expr] = {k: sp.sympify(v) for k, v in (forms or {}).items()}
        self.convention = convention
        if measure is not None and (not isinstance(measure, str) or not measure.strip()):
            raise InvalidType(f"measure={measure!r} for rate {id!r}, expected a non-empty "
                              "string (an axis label)")
        self.measure = measure or MEASURES[self.quantity]
        self.assumptions = tuple(assumptions)
        self.constraints = tuple(constraints)
        self.lower_bound = lower_bound
        self.note = note
        if isinstance(variables, Mapping):
            overrides = dict(variables)
        else:
            overrides = {v.name: v for v in (variables or ())}
        names: set[str] = set()
        for e in [self.expr, self.polylog, self.explicit, *self.forms.values()]:
            if e is not None:
                names |= {s.name for s in e.free_symbols}
        bad = [s for e in [self.expr, self.polylog, self.explicit, *self.forms.values()]
               if e is not None for s in e.free_symbols if not s.is_positive]
        if bad:
            raise InvalidModel(f"rate {id!r}: symbol {bad[0]!r} is not declared positive; "
                               "build symbols with provable.bounds._variables.syms")
        vs: dict[str, Variable] = {}
        for name in sorted(names, key=lambda s: (s.lower(), s)):
            if name in overrides:
                vs[name] = overrides[name]
            elif name in CATALOGUE:
                vs[name] = CATALOGUE[name]
            else:
                raise InvalidModel(f"rate {id!r}: variable {name!r} has no description, "
                                   "expected it in `variables` or in the catalogue")
        self.variables: dict[str, Variable] = vs
        if main_var not in vs:
            raise InvalidModel(f"main_var={main_var!r} for rate {id!r}, "
                               f"expected one of {sorted(vs)}")
        self.main_var = main_var
        self.monotone = tuple(monotone)
        for m in self.monotone:
            if m not in vs:
                raise InvalidModel(f"monotone variable {m!r} of rate {id!r} is not a variable")
        self.typical: dict[str, float] = {n: v.typical for n, v in vs.items()}
        for n, val in (typical or {}).items():
            if n not in vs:
                raise InvalidModel(f"typical value for {n!r} in rate {id!r}: not a variable")
            self.typical[n] = float(val)
        if notation is None:
            tilde = self.polylog != 1
            notation = {"upper": "Otilde" if tilde else "O",
                        "requirement": "Otilde" if tilde else "O",
                        "lower": "Omegatilde" if tilde else "Omega",
                        "exact": "="}[self.kind]
        self.notation = check_choice("notation", notation, _NOTATIONS)
        self._lambdas: dict[str, Any] = {}
        self._growth_cache: dict[Any, Growth] = {}

    # ------------------------------------------------------------------ forms
    @property
    def source(self) -> Citation:
        """Alias of :attr:`citation`."""
        return self.citation

    @property
    def order(self) -> sp.Expr:
        """The order form ``expr * polylog`` (hidden constants set to 1)."""
        return self.expr * self.polylog

    def form_names(self) -> list[str]:
        """Names accepted by ``form=``: ``"order"``, ``"polynomial"``, ``"explicit"``, …"""
        names = ["order", "polynomial"]
        if self.explicit is not None:
            names.append("explicit")
        return names + list(self.forms)

    def form(self, name: str | None = None) -> sp.Expr:
        """The sympy expression of a form (default: explicit when known, else order).

        Examples
        --------
        >>> from provable import bounds
        >>> bounds.get("moss.regret").form("explicit")
        49*sqrt(K)*sqrt(T)
        """
        if name is None:
            name = "explicit" if self.explicit is not None else "order"
        check_choice("form", name, self.form_names())
        if name == "order":
            return self.order
        if name == "polynomial":
            return self.expr
        if name == "explicit":
            return self.explicit  # type: ignore[return-value]
        return self.forms[name]

    def _form_vars(self, name: str | None) -> list[str]:
        return sorted((s.name for s in self.form(name).free_symbols),
                      key=lambda s: (s.lower(), s))

    # ------------------------------------------------------------- evaluation
    def _check_values(self, values: Mapping[str, Any], needed: Iterable[str],
                      exclude: Iterable[str] = ()) -> dict[str, Any]:
        exclude = set(exclude)
        out: dict[str, Any] = {}
        for name, val in values.items():
            if name not in self.variables or name in exclude:
                valid = [v for v in self.variables if v not in exclude]
                near = suggest(name, valid)
                hint = f" Did you mean {', '.join(repr(v) for v in near)}?" if near else ""
                raise UnknownName(
                    f"{name}={val!r} is not a variable of rate {self.id!r}, "
                    f"expected some of {valid}.{hint}")
            out[name] = self.variables[name].check(val, self.id)
        missing = [n for n in needed if n not in out and n not in exclude]
        if missing:
            raise InvalidArgument(
                f"rate {self.id!r} needs values for {missing} "
                f"({'; '.join(f'{n}: {self.variables[n].meaning}' for n in missing)})")
        for rel in self.constraints:
            free = [s.name for s in rel.free_symbols]
            if all(n in out for n in free):
                fn = sp.lambdify([_sym(n) for n in free], rel, "numpy")
                ok = np.asarray(fn(*[out[n] for n in free]))
                if not ok.all():
                    shown = ", ".join(f"{n}={values[n]!r}" for n in free)
                    raise InvalidArgument(f"{shown} for rate {self.id!r}, expected {rel}")
        return out

    def _lambda(self, form: str | None, names: tuple[str, ...]) -> Any:
        key = f"{form}|{','.join(names)}"
        if key not in self._lambdas:
            self._lambdas[key] = sp.lambdify([_sym(n) for n in names], self.form(form),
                                             modules="numpy")
        return self._lambdas[key]

    def evaluate(self, form: str | None = None, **values: Any) -> Any:
        """Evaluate the bound numerically (scalars or broadcasting numpy arrays).

        Parameters
        ----------
        form : str, optional
            ``"explicit"`` (default when the paper gives constants), ``"order"``
            (polynomial part × polylog, hidden constants = 1), ``"polynomial"`` or a named
            form such as ``"gap_free"``.
        **values
            One value per variable of the form, e.g. ``T=1e5``; arrays broadcast.

        Returns
        -------
        float or numpy.ndarray

        Raises
        ------
        UnknownName
            A keyword that is not a variable of the rate (with suggestions).
        InvalidArgument
            A missing value, or a value outside the variable's domain.

        Examples
        --------
        >>> from provable import bounds
        >>> r = bounds.get("ucbvi.regret")
        >>> float(r.evaluate(H=10, S=5, A=3, T=1e5)) > 0
        True
        """
        names = tuple(self._form_vars(form))
        vals = self._check_values(values, names)
        extra = [n for n in vals if n not in names]
        if extra:
            raise UnknownName(
                f"{extra[0]}={values[extra[0]]!r} does not appear in the "
                f"{form or 'default'} form of rate {self.id!r} (variables {list(names)})")
        out = self._lambda(form, names)(*[vals[n] for n in names])
        arrays = [v for v in vals.values() if isinstance(v, np.ndarray)]
        if arrays:
            shape = np.broadcast_shapes(*[a.shape for a in arrays])
            return np.broadcast_to(np.asarray(out, dtype=float), shape).copy()
        return float(out)

    # ------------------------------------------------------------- asymptotics
    def _var(self, var: str) -> Variable:
        if var not in self.variables:
            near = suggest(var, self.variables)
            hint = f" Did you mean {', '.join(repr(v) for v in near)}?" if near else ""
            raise UnknownName(f"var={var!r} is not a variable of rate {self.id!r}, "
                              f"expected one of {sorted(self.variables)}.{hint}")
        return self.variables[var]

    def growth(self, var: str | None = None, form: str = "order", **others: Any) -> Growth:
        """Exact asymptotic growth ``x^p (log x)^q`` in ``var`` via limits.

        ``p = lim d log f / d log x`` and ``q = lim log x · (d log f / d log x − p)`` in the
        variable's regime (``x → ∞``; ``x → 0`` for ``epsilon``/``delta``, with the log of
        ``1/x``; ``gamma → 1`` in terms of ``1/(1 − gamma)``). The other variables are held
        at the given values (default: typical values) as exact rationals.

        Examples
        --------
        >>> from provable import bounds
        >>> g = bounds.get("ucb1.regret").growth("T")
        >>> (g.power, g.log_power)
        (0, 1)
        """
        var = var or self.main_var
        v = self._var(var)
        vals = self._check_values(others, (), exclude=(var,))
        key = (var, form, tuple(sorted(vals.items())))
        if key in self._growth_cache:
            return self._growth_cache[key]
        f = self.form(form)
        subs = {_sym(n): _rational(vals.get(n, self.typical[n]))
                for n in self.variables if n != var}
        f = f.subs(subs)
        x = _sym(var)
        u = sp.Symbol("u_", positive=True)
        if v.asymptote == "oo":
            g, regime = f.subs(x, u), f"{var} -> oo"
        elif v.asymptote == "0":
            g, regime = f.subs(x, 1 / u), f"{var} -> 0 (powers of {var}, logs of 1/{var})"
        else:
            g, regime = f.subs(x, 1 - 1 / u), f"{var} -> 1 (powers of 1/(1 - {var}))"
        if x not in f.free_symbols:
            res = Growth(var, regime, sp.Integer(0), sp.Integer(0), None)
            self._growth_cache[key] = res
            return res
        dlog = sp.simplify(sp.diff(sp.expand_log(sp.log(g), force=True), u))
        try:
            q = sp.limit(sp.simplify(u * dlog), u, sp.oo)
        except (NotImplementedError, ValueError) as e:  # pragma: no cover - sympy failure
            raise NotSupported(f"exponent of rate {self.id!r} in {var}: sympy limit failed "
                               f"({e})") from e
        sign = -1 if v.asymptote == "0" else 1
        if q.is_infinite:
            rate = sp.limit(dlog, u, sp.oo)
            res = Growth(var, regime, sign * q, None, sign * rate if v.asymptote == "oo"
                         else rate)
        else:
            lp = sp.limit(sp.log(u) * (u * dlog - q), u, sp.oo)
            res = Growth(var, regime, sp.nsimplify(sign * q), sp.nsimplify(lp), sp.Integer(0))
        self._growth_cache[key] = res
        return res

    def exponent(self, var: str | None = None, form: str = "order", **others: Any) -> sp.Expr:
        """Exact exponent of ``var`` (default: the main variable), ignoring log factors.

        Returns a sympy number (``Rational(1, 2)``); ``-oo``/``oo`` when the rate is
        exponential in ``var`` (see :meth:`decay_rate`). Log factors are reported by
        :meth:`growth` and :attr:`polylog`, never silently dropped.

        Examples
        --------
        >>> from provable import bounds
        >>> bounds.get("avg_reward.tmix_prior").exponent("t_mix")
        2
        >>> bounds.get("nash_mp.kl").exponent("N")
        -oo
        """
        return self.growth(var, form, **others).power

    def decay_rate(self, var: str | None = None, form: str = "order", **others: Any) -> sp.Expr:
        """``lim d log f / dx`` for rates exponential in ``var`` (0 for polynomial ones).

        Examples
        --------
        >>> from provable import bounds
        >>> bounds.get("nash_mp.kl").decay_rate("N", beta=0.5)
        -log(2)/2
        """
        g = self.growth(var, form, **others)
        return g.decay_rate if g.decay_rate is not None else sp.Integer(0)

    # ------------------------------------------------------------- inversion
    def solve_for(self, var: str, target: Any, form: str | None = None, **others: Any) -> Any:
        """Value of ``var`` at which the bound equals ``target`` (others fixed).

        Scans the variable's domain on a log grid for the first crossing (smallest
        value of ``var``) and refines it by bisection to machine precision.

        Examples
        --------
        >>> from provable import bounds
        >>> r = bounds.get("generative.minimax")       # samples needed for epsilon
        >>> eps = r.solve_for("epsilon", 1e8, S=10, A=2, gamma=0.9, delta=0.05)
        >>> round(r.evaluate(S=10, A=2, gamma=0.9, delta=0.05, epsilon=eps))
        100000000
        """
        v = self._var(var)
        names = tuple(self._form_vars(form))
        if var not in names:
            raise InvalidArgument(f"var={var!r} does not appear in the {form or 'default'} "
                                  f"form of rate {self.id!r}")
        vals = self._check_values(others, [n for n in names if n != var], exclude=(var,))
        if any(isinstance(x, np.ndarray) for x in vals.values()):
            raise InvalidType(f"solve_for on rate {self.id!r}: other values must be scalars")
        if isinstance(target, (np.ndarray, list, tuple)):
            t = np.asarray(target, dtype=float)
            return np.vectorize(lambda y: self.solve_for(var, float(y), form, **others))(t)
        if isinstance(target, bool) or not isinstance(target, numbers.Real) \
                or not math.isfinite(float(target)):
            raise InvalidArgument(f"target={target!r}, expected a finite real number")
        fn = self._lambda(form, names)

        def h(x: np.ndarray) -> np.ndarray:
            args = [x if n == var else vals[n] for n in names]
            with np.errstate(all="ignore"):
                return np.asarray(fn(*args), dtype=float) - float(target)

        grid = self._grid(v)
        hv = h(grid)
        ok = np.isfinite(hv)
        grid, hv = grid[ok], hv[ok]
        zero = np.nonzero(hv == 0)[0]
        sc = np.nonzero(np.sign(hv[:-1]) * np.sign(hv[1:]) < 0)[0]
        if zero.size and (not sc.size or zero[0] <= sc[0]):
            return float(grid[zero[0]])
        if not sc.size:
            lo, hi = (float(np.min(hv + target)), float(np.max(hv + target))) if hv.size \
                else (math.nan, math.nan)
            raise InvalidArgument(
                f"target={target!r} is not attained by rate {self.id!r} for {var} in "
                f"{v.domain()} with {others} (values range over [{lo:.6g}, {hi:.6g}])")
        a, b = float(grid[sc[0]]), float(grid[sc[0] + 1])
        ha = float(hv[sc[0]])
        geometric = a > 0 and v.asymptote != "1"
        for _ in range(200):
            mid = math.sqrt(a * b) if geometric else 0.5 * (a + b)
            if mid in (a, b):
                break
            hm = float(h(np.array(mid)))
            if hm == 0:
                return mid
            if (hm < 0) == (ha < 0):
                a, ha = mid, hm
            else:
                b = mid
        return b if abs(float(h(np.array(b)))) <= abs(ha) else a

    @staticmethod
    def _grid(v: Variable) -> np.ndarray:
        lo = v.lower if v.lower > 0 else 1e-300
        hi = v.upper if v.upper is not None else 1e300
        if v.asymptote == "1":
            k = np.linspace(0.0, 15.0, 601)
            g = np.concatenate([np.linspace(v.lower, 0.9, 200), 1 - 10.0 ** -k[k > 1]])
        else:
            g = np.logspace(math.log10(max(lo, 1e-30)), math.log10(min(hi, 1e30)), 2401)
            g = np.concatenate([[lo], g, [hi]])
        g = np.unique(g)
        keep = np.array([v.contains(float(x)) for x in g])
        return g[keep]

    # ------------------------------------------------------------- conventions
    def scale(self, factor: Any = 1, *, id: str | None = None, main_var: str | None = None,
              convention: str | None = None,
              variables: Mapping[str, Variable] | None = None, **subs: Any) -> Rate:
        """A new rate under another convention: substitute variables and/or rescale.

        Parameters
        ----------
        factor : number, str or sympy.Expr
            Multiplies every form (e.g. ``"H"`` for rewards in [0, H] instead of [0, 1]).
        **subs
            Substitutions ``name=expression`` written with catalogue names, e.g.
            ``T="K*H"`` to restate a bound in ``T = KH`` steps as one in ``K`` episodes.

        Examples
        --------
        >>> from provable import bounds
        >>> r = bounds.get("ucbvi.regret").scale(T="K*H")
        >>> r.main_var, r.exponent("K")
        ('K', 1/2)
        """
        local = {n: _sym(n) for n in {*self.variables, *CATALOGUE}}
        mapping = {}
        for name, e in subs.items():
            self._var(name)
            mapping[_sym(name)] = sp.sympify(e, locals=local) if isinstance(e, str) \
                else sp.sympify(e)
        fac = sp.sympify(factor, locals=local) if isinstance(factor, str) else sp.sympify(factor)

        def tr(e: sp.Expr | None) -> sp.Expr | None:
            return None if e is None else (fac * e.subs(mapping))

        new_vars = {n: v for n, v in self.variables.items() if _sym(n) not in mapping}
        new_vars.update(variables or {})
        mv = main_var
        if mv is None:
            mv = self.main_var
            if _sym(mv) in mapping:
                free = sorted(s.name for s in mapping[_sym(mv)].free_symbols)
                fresh = [n for n in free if n not in self.variables or n == mv]
                mv = (fresh or free or [mv])[0]
        desc = ", ".join(f"{k} = {v}" for k, v in subs.items())
        if fac != 1:
            desc = (desc + "; " if desc else "") + f"multiplied by {fac}"
        poly = self.polylog.subs(mapping)
        return Rate(
            id or f"{self.id}[{desc}]", fac * self.expr.subs(mapping),
            kind=self.kind, quantity=self.quantity, setting=self.setting,
            algorithm=self.algorithm, citation=self.citation, main_var=mv, polylog=poly,
            explicit=tr(self.explicit), forms={k: tr(e) for k, e in self.forms.items()},
            variables=new_vars,
            convention=convention or (f"{self.convention}; restated with {desc}"
                                      if self.convention else f"restated with {desc}"),
            assumptions=self.assumptions, constants=self.constants,
            monotone=[m for m in self.monotone if _sym(m) not in mapping],
            constraints=[c.subs(mapping) for c in self.constraints],
            lower_bound=None, notation=self.notation,
            typical={k: t for k, t in self.typical.items() if _sym(k) not in mapping},
            note=self.note, measure=self.measure)

    # ---------------------------------------------------------------- output
    def _names(self) -> dict[sp.Symbol, str]:
        return {_sym(n): v.latex for n, v in self.variables.items() if v.latex}

    def latex(self, form: str = "order") -> str:
        r"""LaTeX of the bound, e.g. ``\tilde{O}\left(\sqrt{A H S T}\right)``.

        ``form="order"`` prints the notation (O, Õ, Ω, …) around the polynomial part;
        other forms print the expression itself.

        Examples
        --------
        >>> from provable import bounds
        >>> bounds.get("avg_reward.tmix").latex()
        '\\tilde{O}\\left(\\frac{A S t_{\\mathrm{mix}}}{\\varepsilon^{2}}\\right)'
        """
        if form != "order":
            return to_latex(self.form(form), self._names())
        n = self.notation
        body = to_latex(self.expr if n in ("Otilde", "Omegatilde") else self.order,
                        self._names())
        if n in ("=", "<=", ">="):
            return f"{NOTATION_LATEX[n]} {body}"
        return f"{NOTATION_LATEX[n]}\\left({body}\\right)"

    def text(self, form: str = "order") -> str:
        """Unicode rendering, e.g. ``Õ(√(A·H·S·T))``."""
        if form != "order":
            return to_text(self.form(form))
        n = self.notation
        body = to_text(self.expr if n in ("Otilde", "Omegatilde") else self.order)
        if n in ("=", "<=", ">="):
            return f"{NOTATION_TEXT[n]} {body}"
        return f"{NOTATION_TEXT[n]}({body})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable description."""
        return {
            "id": self.id, "algorithm": self.algorithm, "setting": self.setting,
            "quantity": self.quantity, "kind": self.kind, "notation": self.notation,
            "bound": self.text(), "latex": self.latex(), "expr": str(self.expr),
            "polylog": str(self.polylog),
            "explicit": None if self.explicit is None else str(self.explicit),
            "forms": {k: str(v) for k, v in self.forms.items()},
            "constants": self.constants, "main_var": self.main_var,
            "variables": {n: v.to_dict() for n, v in self.variables.items()},
            "convention": self.convention, "assumptions": list(self.assumptions),
            "monotone": list(self.monotone), "lower_bound": self.lower_bound,
            "note": self.note, "measure": self.measure,
            "citation": self.citation.to_dict(),
        }

    def __repr__(self) -> str:
        return f"Rate({self.id!r}: {self.text()}, {self.kind} {self.quantity}, {self.setting})"


def compare(a: Rate, b: Rate, var: str, **values: Any) -> Comparison:
    """Compare two rates in one variable: asymptotic order and crossover points.

    The other variables are fixed at ``values`` (default: the rates' typical values);
    both rates are evaluated in their default form (explicit when known).

    Examples
    --------
    >>> from provable import bounds
    >>> c = bounds.compare(bounds.get("avg_reward.tmix_prior"),
    ...                    bounds.get("avg_reward.tmix"), var="t_mix")
    >>> c.asymptotically_larger, c.exponent_a, c.exponent_b
    ('a', 2, 1)
    """
    for r, nm in ((a, "a"), (b, "b")):
        if not isinstance(r, Rate):
            raise InvalidType(f"{nm}={r!r} has type {type(r).__name__}, expected a Rate")
        r._var(var)
    common = {**b.typical, **a.typical}
    for n, val in values.items():
        if n == var or (n not in a.variables and n not in b.variables):
            raise UnknownName(f"{n}={val!r} is not a variable of {a.id!r} or {b.id!r}"
                              + (" (it is the compared variable)" if n == var else ""))
        common[n] = val
    va = {n: x for n, x in common.items() if n in a.variables and n != var}
    vb = {n: x for n, x in common.items() if n in b.variables and n != var}
    ea, eb = a.exponent(var, **va), b.exponent(var, **vb)
    ratio = None
    if ea == eb:
        v = a.variables[var]
        x = _sym(var)
        fa = a.form().subs({_sym(n): _rational(t) for n, t in va.items()})
        fb = b.form().subs({_sym(n): _rational(t) for n, t in vb.items()})
        point = {"oo": sp.oo, "0": sp.Integer(0), "1": sp.Integer(1)}[v.asymptote]
        try:
            ratio = sp.limit(fa / fb, x, point, "-" if v.asymptote == "1" else "+")
        except (NotImplementedError, ValueError):  # pragma: no cover
            ratio = None
        if ratio is None or ratio.is_infinite or ratio == 0:
            larger = "a" if ratio is not None and ratio.is_infinite else (
                "b" if ratio == 0 else "same order")
        else:
            larger = "same order"
    else:
        v = a.variables[var]
        bigger_a = (ea > eb) if v.asymptote != "0" else (ea < eb)
        larger = "a" if bigger_a else "b"
    grid = Rate._grid(a.variables[var])
    grid = grid[[b.variables[var].contains(float(g)) for g in grid]]
    with np.errstate(all="ignore"):
        ya = np.asarray(a.evaluate(**{**va, var: grid}), dtype=float)
        yb = np.asarray(b.evaluate(**{**vb, var: grid}), dtype=float)
        d = np.log(ya) - np.log(yb)
    ok = np.isfinite(d)
    grid, d = grid[ok], d[ok]
    crossings: list[float] = []
    regions: list[tuple[float, float, str]] = []
    if d.size:
        side = np.where(d > 0, "a", np.where(d < 0, "b", "equal"))
        start = 0
        for i in range(1, d.size + 1):
            if i == d.size or side[i] != side[start]:
                regions.append((float(grid[start]), float(grid[i - 1]), str(side[start])))
                if i < d.size and "equal" not in (side[i], side[start]):
                    crossings.append(_bisect_cross(a, b, var, va, vb,
                                                   float(grid[i - 1]), float(grid[i])))
                start = i
    return Comparison(var=var, a=a.id, b=b.id, exponent_a=ea, exponent_b=eb,
                      asymptotically_larger=larger, ratio_limit=ratio, crossovers=crossings,
                      regions=regions, values={**va, **vb})


def _bisect_cross(a: Rate, b: Rate, var: str, va: dict, vb: dict, lo: float,
                  hi: float) -> float:
    def diff(x: float) -> float:
        return math.log(a.evaluate(**{**va, var: x})) - math.log(b.evaluate(**{**vb, var: x}))

    dlo = diff(lo)
    for _ in range(200):
        mid = math.sqrt(lo * hi) if lo > 0 else 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        dm = diff(mid)
        if (dm > 0) == (dlo > 0):
            lo, dlo = mid, dm
        else:
            hi = mid
    return hi
