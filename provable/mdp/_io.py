"""Save and load tabular MDPs as ``.npz`` or ``.json``.

Formats (both keep a sparse P sparse):

- ``.npz``: arrays ``R`` and either ``P`` (dense) or ``P_data``, ``P_indices``,
  ``P_indptr``, ``P_shape`` (CSR of shape (S*A, S)); ``meta``, a JSON string with
  ``gamma`` and ``horizon`` (or arrays ``gamma``, ``horizon``). Never unpickled.
- ``.json``: an object with ``R``, ``P`` (nested lists) or the four sparse keys (lists),
  and optionally ``gamma``, ``horizon``. UTF-8.

Loading is bounded and strict: see :func:`load`.
"""

from __future__ import annotations

from provable.mdp._tabular import TabularMDP

__all__ = ["save", "load"]


def save(mdp: TabularMDP, path: str) -> None:
    """Write ``mdp`` to ``path`` (``.npz`` or ``.json``); a sparse P stays sparse.

    Examples
    --------
    >>> import os, tempfile, provable as pv
    >>> m = pv.mdp.random_mdp(1000, 2, nnz_per_row=3, seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "m.json")
    >>> pv.mdp.save(m, path)
    >>> pv.mdp.load(path).nnz == m.nnz
    True
    """
    mdp.save(path)


def load(path: str, *, max_bytes: int | None = None) -> TabularMDP:
    """Read a model written by :func:`save`, or a ``.json``/``.npz`` with keys ``P``
    (or the sparse ``P_data``, ``P_indices``, ``P_indptr``, ``P_shape``), ``R`` and
    optionally ``gamma``, ``horizon``.

    Parameters
    ----------
    path : str
        A ``.npz`` or ``.json`` file.
    max_bytes : int, optional
        Cap on what the file may make this call allocate; default
        :data:`provable._validation.DEFAULT_MAX_BYTES` (4 GiB) or the environment
        variable ``PROVABLE_MAX_BYTES``. For ``.npz`` the uncompressed sizes declared by
        the archive and by each array header are checked before anything is read (a
        small file that would inflate past the cap is refused, naming the size); a
        ``.json`` text may be at most ``max_bytes / 4`` bytes.

    Raises
    ------
    provable.errors.InvalidModel
        Naming the file and the field, for anything malformed: not a zip / truncated /
        corrupt entries, pickled (object) arrays, bad JSON (also nested too deeply,
        numbers beyond Python's limits, not UTF-8), a sparse P whose ``indptr`` is not
        of length S*A + 1, does not start at 0, decreases or does not end at the number
        of entries, column indices outside [0, S), non-real or non-finite values, and
        every check of :class:`~provable.mdp.TabularMDP`.
    provable.errors.InvalidArgument
        The path does not exist or has another extension, or the file is above the cap.

    Examples
    --------
    >>> import os, tempfile, provable as pv
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"P_data": [1.0], "P_indices": [25], "P_indptr": [0, 1],'
    ...                 ' "P_shape": [1, 20], "R": [[0.0]]}')
    >>> pv.mdp.load(path)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: .../bad.json: P.indices[0] = 25 (row 0), expected a column index in [0, 20)
    """
    return TabularMDP.load(path, max_bytes=max_bytes)
