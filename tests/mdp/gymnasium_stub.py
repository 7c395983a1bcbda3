"""A 2x2 FrozenLake in gymnasium's toy-text format (``env.unwrapped.P``), written by hand
so the converter is tested without installing gymnasium.

Map::

    S H
    F G

Actions 0 left, 1 down, 2 right, 3 up; deterministic (is_slippery=False).
"""


class _Env:
    def __init__(self, P):
        self.P = P
        self.unwrapped = self


def frozen_lake_2x2():
    def move(s, a):
        r, c = divmod(s, 2)
        dr, dc = {0: (0, -1), 1: (1, 0), 2: (0, 1), 3: (-1, 0)}[a]
        r2, c2 = min(max(r + dr, 0), 1), min(max(c + dc, 0), 1)
        return r2 * 2 + c2

    P = {}
    for s in range(4):
        P[s] = {}
        for a in range(4):
            if s in (1, 3):
                P[s][a] = [(1.0, s, 0.0, True)]
            else:
                n = move(s, a)
                P[s][a] = [(1.0, n, 1.0 if n == 3 else 0.0, n in (1, 3))]
    return _Env(P)
