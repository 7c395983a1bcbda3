"""numba kernels for the automata pillar.

Every kernel is a private ``@njit(cache=True)`` function on preallocated arrays; nothing
is compiled at import time (numba compiles on the first call and caches to disk).
Validation and objects stay in the Python front ends.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from provable._numba import serial_and_parallel

__all__: list[str] = []


@njit(cache=True, parallel=True)
def _run_batch(delta, start, words, lengths, out):  # pragma: no cover - compiled
    """Final state of each padded word: ``out[b] = delta*(start, words[b, :lengths[b]])``."""
    B = words.shape[0]
    for b in prange(B):
        q = start
        for t in range(lengths[b]):
            q = delta[q, words[b, t]]
        out[b] = q
    return out


def _accept_prefixes_py(delta, start, labels, words, lengths, out):  # pragma: no cover
    """``out[b, t]`` = label of the state after the first ``t`` symbols of word ``b``."""
    B = words.shape[0]
    for b in prange(B):
        q = start
        out[b, 0] = labels[q]
        for t in range(lengths[b]):
            q = delta[q, words[b, t]]
            out[b, t + 1] = labels[q]
    return out


# one source, two builds: the serial one is called from other (non-parallel) cached
# kernels, which must not call a cached parallel kernel (and the two builds must not
# share a function object, see provable._numba)
_accept_prefixes_serial, _accept_prefixes = serial_and_parallel(_accept_prefixes_py)


@njit(cache=True)
def _reachable(delta, start):  # pragma: no cover - compiled
    """Boolean mask of the states reachable from ``start`` (BFS)."""
    n, k = delta.shape
    seen = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    seen[start] = True
    queue[0] = start
    head = 0
    tail = 1
    while head < tail:
        p = queue[head]
        head += 1
        for a in range(k):
            q = delta[p, a]
            if not seen[q]:
                seen[q] = True
                queue[tail] = q
                tail += 1
    return seen


@njit(cache=True)
def _bfs_order(delta, start):  # pragma: no cover - compiled
    """States in BFS discovery order (letters in index order) and the inverse map (-1 unseen)."""
    n, k = delta.shape
    order = np.empty(n, dtype=np.int64)
    rank = -np.ones(n, dtype=np.int64)
    rank[start] = 0
    order[0] = start
    head = 0
    tail = 1
    while head < tail:
        p = order[head]
        head += 1
        for a in range(k):
            q = delta[p, a]
            if rank[q] < 0:
                rank[q] = tail
                order[tail] = q
                tail += 1
    return order[:tail], rank


@njit(cache=True)
def _hopcroft(delta, init):  # pragma: no cover - compiled
    """Hopcroft's partition refinement, O(k n log n).

    ``init`` (n,) gives initial block labels in ``0..m-1`` (all used). Returns the block id
    of every state in the coarsest congruence refining ``init``.
    """
    n, k = delta.shape
    # inverse transitions in CSR form, one list per (letter, target)
    cnt = np.zeros(k * n + 1, dtype=np.int64)
    for p in range(n):
        for a in range(k):
            cnt[a * n + delta[p, a] + 1] += 1
    for i in range(k * n):
        cnt[i + 1] += cnt[i]
    inv = np.empty(k * n, dtype=np.int64)
    fill = cnt[:-1].copy()
    for p in range(n):
        for a in range(k):
            j = a * n + delta[p, a]
            inv[fill[j]] = p
            fill[j] += 1
    # partition structures
    m = 0
    for i in range(n):
        if init[i] + 1 > m:
            m = init[i] + 1
    elems = np.empty(n, dtype=np.int64)
    loc = np.empty(n, dtype=np.int64)
    block = init.astype(np.int64).copy()
    bstart = np.zeros(n + 1, dtype=np.int64)
    bend = np.zeros(n + 1, dtype=np.int64)
    sizes = np.zeros(m, dtype=np.int64)
    for i in range(n):
        sizes[block[i]] += 1
    pos = 0
    for b in range(m):
        bstart[b] = pos
        bend[b] = pos
        pos += sizes[b]
    for i in range(n):
        b = block[i]
        elems[bend[b]] = i
        loc[i] = bend[b]
        bend[b] += 1
    nblocks = m
    marked = np.zeros(n, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    inwork = np.zeros(n * k, dtype=np.bool_)
    work = np.empty(n * k, dtype=np.int64)
    wtop = 0
    # all initial blocks but the largest go to the worklist (every letter)
    largest = 0
    for b in range(m):
        if sizes[b] > sizes[largest]:
            largest = b
    for b in range(m):
        if b != largest:
            for a in range(k):
                work[wtop] = b * k + a
                inwork[b * k + a] = True
                wtop += 1
    buf = np.empty(n, dtype=np.int64)
    while wtop > 0:
        wtop -= 1
        item = work[wtop]
        inwork[item] = False
        B = item // k
        a = item % k
        nb = 0
        for i in range(bstart[B], bend[B]):
            buf[nb] = elems[i]
            nb += 1
        ntouched = 0
        for i in range(nb):
            q = buf[i]
            j = a * n + q
            for t in range(cnt[j], cnt[j + 1]):
                p = inv[t]
                X = block[p]
                # move p into the marked prefix of its block
                mpos = bstart[X] + marked[X]
                if loc[p] >= mpos:
                    other = elems[mpos]
                    pp = loc[p]
                    elems[mpos] = p
                    loc[p] = mpos
                    elems[pp] = other
                    loc[other] = pp
                    if marked[X] == 0:
                        touched[ntouched] = X
                        ntouched += 1
                    marked[X] += 1
        for ti in range(ntouched):
            X = touched[ti]
            mk = marked[X]
            marked[X] = 0
            size = bend[X] - bstart[X]
            if mk == size:
                continue
            Y = nblocks
            nblocks += 1
            bstart[Y] = bstart[X]
            bend[Y] = bstart[X] + mk
            bstart[X] = bstart[X] + mk
            for i in range(bstart[Y], bend[Y]):
                block[elems[i]] = Y
            rest = size - mk
            for c in range(k):
                if inwork[X * k + c]:
                    work[wtop] = Y * k + c
                    inwork[Y * k + c] = True
                    wtop += 1
                else:
                    Z = Y if mk <= rest else X
                    work[wtop] = Z * k + c
                    inwork[Z * k + c] = True
                    wtop += 1
    return block


@njit(cache=True)
def _product_bfs(da, sa, la, ea, db, sb, lb, eb):  # pragma: no cover - compiled
    """Shortlex-least word separating two machines (BFS on the product).

    ``la``/``lb`` are integer state labels (acceptance or Moore outputs) and ``ea``/``eb``
    integer transition labels (Mealy outputs; zeros otherwise). Returns ``(found, word)``;
    ``word`` is empty when the machines are equivalent.

    The BFS tree lives in the queue (parent = queue position), and the visited set is a
    bitset, so a search that stops early costs no O(na * nb) initialisation (the
    learners' exact oracle stops after a few hundred pairs).
    """
    na, k = da.shape
    nb = db.shape[0]
    N = na * nb
    seen = np.zeros((N >> 6) + 1, dtype=np.int64)  # bitset over the pairs
    # not initialised: only the first `tail` entries are ever read (pages untouched
    # beyond them are never faulted in)
    queue = np.empty(N, dtype=np.int64)   # product state of each visited pair
    qpar = np.empty(N, dtype=np.int64)    # queue position of its BFS parent
    qvia = np.empty(N, dtype=np.int64)    # symbol from the parent
    s = sa * nb + sb
    if la[sa] != lb[sb]:
        return True, np.empty(0, dtype=np.int64)
    seen[s >> 6] |= np.int64(1) << (s & 63)
    queue[0] = s
    qpar[0] = -1
    qvia[0] = -1
    head = 0
    tail = 1
    hit = -1
    last = -1
    while head < tail and hit < 0:
        x = queue[head]
        p = x // nb
        q = x % nb
        for a in range(k):
            if ea[p, a] != eb[q, a]:
                hit = head
                last = a
                break
            p2 = da[p, a]
            q2 = db[q, a]
            y = p2 * nb + q2
            w = y >> 6
            bit = np.int64(1) << (y & 63)
            if (seen[w] & bit) == 0:
                seen[w] |= bit
                queue[tail] = y
                qpar[tail] = head
                qvia[tail] = a
                tail += 1
                if la[p2] != lb[q2]:
                    hit = tail - 1
                    break
        head += 1
    if hit < 0:
        return False, np.empty(0, dtype=np.int64)
    # reconstruct along the BFS tree (queue positions)
    length = 0
    i = hit
    while i != 0:
        length += 1
        i = qpar[i]
    extra = 1 if last >= 0 else 0
    word = np.empty(length + extra, dtype=np.int64)
    i = hit
    j = length - 1
    while i != 0:
        word[j] = qvia[i]
        j -= 1
        i = qpar[i]
    if extra:
        word[length] = last
    return True, word


@njit(cache=True)
def _run_batch_serial(delta, start, words, lengths, out):  # pragma: no cover - compiled
    """Serial twin of :func:`_run_batch` (small batches: no thread start-up cost)."""
    for b in range(words.shape[0]):
        q = start
        for t in range(lengths[b]):
            q = delta[q, words[b, t]]
        out[b] = q
    return out


@njit(cache=True)
def _concat_pairs(ra, rl, ca, cl):  # pragma: no cover - compiled
    """All concatenations ``row[i] + col[j]`` (row-major) as a padded array and lengths."""
    R = ra.shape[0]
    C = ca.shape[0]
    L = 0
    if R > 0 and C > 0:
        L = rl.max() + cl.max()
    out = np.zeros((R * C, L), dtype=np.int64)
    lens = np.empty(R * C, dtype=np.int64)
    for i in range(R):
        for j in range(C):
            b = i * C + j
            li = rl[i]
            for t in range(li):
                out[b, t] = ra[i, t]
            lj = cl[j]
            for t in range(lj):
                out[b, li + t] = ca[j, t]
            lens[b] = li + lj
    return out, lens


@njit(cache=True)
def _unflatten(flat, lens, out):  # pragma: no cover - compiled
    """Scatter concatenated words ``flat`` into the rows of the padded array ``out``."""
    i = 0
    for b in range(lens.shape[0]):
        for t in range(lens[b]):
            out[b, t] = flat[i]
            i += 1
    return out


# ---------------------------------------------------------------- query-cache prefix tree
# The cache is a prefix tree stored as a hash of edges: node ids are given in creation
# order, ``par[c]`` / ``sym[c]`` hold the parent and symbol of node ``c``, and ``tab``
# (a power-of-two open-addressing table, linear probing, -1 = empty) holds the node ids,
# found by hashing ``(parent, symbol)``. Memory is ~4 bytes per node per table slot plus
# 8 for ``par``/``sym``, whatever the alphabet size. For alphabets of at most
# ``DENSE_MAX_K`` symbols a dense ``(nodes, k)`` int32 ``child`` table (4k bytes per
# node, no hashing) replaces the hash table; otherwise ``child`` has shape (0, 0).
DENSE_MAX_K = 3
_GOLD = np.uint64(11400714819323198485)  # 2^64 / golden ratio (Fibonacci hashing)


@njit(cache=True, inline="always")
def _hslot(node, s, k, shift):  # pragma: no cover - compiled
    key = np.uint64(node) * np.uint64(k) + np.uint64(s)
    return np.int64((key * _GOLD) >> np.uint64(shift))


@njit(cache=True, inline="always")
def _hget(tab, par, sym, child, k, shift, node, s):  # pragma: no cover - compiled
    """Child of ``node`` on symbol ``s``, or -1."""
    if child.shape[0] > 0:  # dense table (small alphabets)
        return child[node, s]
    mask = tab.shape[0] - 1
    i = _hslot(node, s, k, shift)
    while True:
        c = tab[i]
        if c < 0:
            return -1
        if par[c] == node and sym[c] == s:
            return c
        i = (i + 1) & mask


@njit(cache=True, inline="always")
def _hput(tab, par, sym, child, k, shift, node, s, c):  # pragma: no cover - compiled
    """Record node ``c`` as the child of ``node`` on ``s`` (not present yet)."""
    par[c] = node
    sym[c] = s
    if child.shape[0] > 0:
        child[node, s] = c
        return
    mask = tab.shape[0] - 1
    i = _hslot(node, s, k, shift)
    while tab[i] >= 0:
        i = (i + 1) & mask
    tab[i] = c


@njit(cache=True)
def _trie_rehash(tab, par, sym, child, k, shift, size):  # pragma: no cover - compiled
    """Insert nodes ``1..size-1`` into an empty table (after resizing it)."""
    mask = tab.shape[0] - 1
    for c in range(1, size):
        i = _hslot(par[c], sym[c], k, shift)
        while tab[i] >= 0:
            i = (i + 1) & mask
        tab[i] = c


@njit(cache=True)
def _trie_walk(tab, par, sym, child, k, shift, word, t):  # pragma: no cover - compiled
    """Node of the first ``t`` symbols of ``word`` (-1 when absent)."""
    node = 0
    for i in range(t):
        node = _hget(tab, par, sym, child, k, shift, node, word[i])
        if node < 0:
            return -1
    return node


@njit(cache=True)
def _trie_lookup(tab, par, sym, child, k, shift, label, codes, lens, out):  # pragma: no cover
    """``out[b]`` = cached label of word b, or -1 when unknown."""
    for b in range(codes.shape[0]):
        node = 0
        ok = True
        for t in range(lens[b]):
            c = _hget(tab, par, sym, child, k, shift, node, codes[b, t])
            if c < 0:
                ok = False
                break
            node = c
        out[b] = label[node] if ok else -1
    return out


@njit(cache=True)
def _trie_mark(tab, par, sym, child, k, shift, label, size, codes, lens, order, prefix,
               send):  # pragma: no cover - compiled
    """Insert the missed words as pending (-2) paths in ``order``; ``send[b]`` tells
    whether word b must go to the system (False: covered by an earlier word of the
    batch). With ``prefix`` a word is covered when its path already existed (it is a
    prefix of a word being sent); otherwise when it is an exact duplicate.
    Returns the new trie size."""
    for i in range(order.shape[0]):
        b = order[i]
        node = 0
        created = False
        for t in range(lens[b]):
            s = codes[b, t]
            c = _hget(tab, par, sym, child, k, shift, node, s)
            if c < 0:
                c = size
                size += 1
                _hput(tab, par, sym, child, k, shift, node, s, c)
                label[c] = -2 if prefix else -1
                created = True
            node = c
        if prefix:
            send[b] = created or label[node] == -1
            if send[b]:
                label[node] = -2
                if label[0] == -1:  # the run answers the empty word too
                    label[0] = -2
        else:
            send[b] = label[node] != -2
            label[node] = -2
    return size


@njit(cache=True)
def _trie_fill(tab, par, sym, child, k, shift, label, codes, lens, outs, prefix):  # pragma: no cover
    """Write answers along existing paths. ``outs`` is (B, L+1) with prefix answers
    (``prefix``) or (B, 1) with final answers. Returns (b, t) of the first conflict with a
    known label, or (-1, -1)."""
    for b in range(codes.shape[0]):
        node = 0
        if prefix:
            v = outs[b, 0]
            if label[node] >= 0 and label[node] != v:
                return b, 0
            label[node] = v
        for t in range(lens[b]):
            node = _hget(tab, par, sym, child, k, shift, node, codes[b, t])
            if prefix:
                v = outs[b, t + 1]
                if label[node] >= 0 and label[node] != v:
                    return b, t + 1
                label[node] = v
        if not prefix:
            v = outs[b, 0]
            if label[node] >= 0 and label[node] != v:
                return b, lens[b]
            label[node] = v
    return -1, -1


@njit(cache=True)
def _dfa_cached_query(tab, par, sym, child, k, shift, label, size, codes, lens, delta, start, acc,
                      out):  # pragma: no cover - compiled
    """Cached membership queries answered by simulating a DFA, fused into one call.

    The same cache rule, counters and cache contents as ``_trie_lookup`` ->
    ``_trie_mark`` (missed words longest first, ties in batch order; ``prefix`` mode) ->
    answering the sent words (every prefix) -> ``_trie_fill``, with one walk per missed
    word. Returns ``(size, n_sent, sent_symbols, conflict_b, conflict_t)``;
    ``conflict_b >= 0`` names the first missed word (longest first) whose answer after
    ``conflict_t`` symbols contradicts a known label (``out`` is then not filled).
    ``conflict_b == -2``: the trie has no room for the missed words (nothing was
    changed; ``sent_symbols`` is their total length).
    """
    B = codes.shape[0]
    nmiss = 0
    maxlen = 0
    misslen = 0
    _trie_lookup(tab, par, sym, child, k, shift, label, codes, lens, out)
    for b in range(B):
        if out[b] < 0:
            nmiss += 1
            misslen += lens[b]
            if lens[b] > maxlen:
                maxlen = lens[b]
    if nmiss == 0:
        return size, 0, 0, -1, -1
    if size + misslen + 1 > par.shape[0] or (child.shape[0] == 0 and
                                            10 * (size + misslen + 1) > 7 * tab.shape[0]):
        return size, 0, misslen, -2, -2  # no room: grow by misslen + 1 and call again
    # missed words, longest first, ties in batch order (counting sort: stable)
    cnt = np.zeros(maxlen + 2, dtype=np.int64)
    for b in range(B):
        if out[b] < 0:
            cnt[maxlen - lens[b] + 1] += 1
    for i in range(maxlen + 1):
        cnt[i + 1] += cnt[i]
    order = np.empty(nmiss, dtype=np.int64)
    for b in range(B):
        if out[b] < 0:
            j = maxlen - lens[b]
            order[cnt[j]] = b
            cnt[j] += 1
    # one walk per missed word, longest first: create the missing nodes, simulate and
    # label every node on the way. A word is sent when its walk created a node or found
    # its own node unanswered; a word covered by a longer one of the batch is a hit.
    nsent = 0
    nsym = 0
    for i in range(nmiss):
        b = order[i]
        q = start
        node = 0
        v = np.int8(1) if acc[q] else np.int8(0)
        was = label[node]
        if was >= 0 and was != v:
            return size, nsent, nsym, b, 0
        label[node] = v
        created = False
        for t in range(lens[b]):
            s = codes[b, t]
            c = _hget(tab, par, sym, child, k, shift, node, s)
            if c < 0:
                c = size
                size += 1
                _hput(tab, par, sym, child, k, shift, node, s, c)
                label[c] = -1
                created = True
            q = delta[q, s]
            v = np.int8(1) if acc[q] else np.int8(0)
            node = c
            was = label[node]
            if was >= 0 and was != v:
                return size, nsent, nsym, b, t + 1
            label[node] = v
        out[b] = v
        if created or was < 0:
            nsent += 1
            nsym += lens[b]
    return size, nsent, nsym, -1, -1


@njit(cache=True)
def _mealy_prefixes(delta, start, elab, first, words, lengths, out):  # pragma: no cover
    """``out[b, t]`` = output code of the ``t``-th transition of word ``b`` (``t >= 1``);
    ``out[b, 0] = first`` (the empty word emits nothing)."""
    for b in range(words.shape[0]):
        q = start
        out[b, 0] = first
        for t in range(lengths[b]):
            s = words[b, t]
            out[b, t + 1] = elab[q, s]
            q = delta[q, s]
    return out


@njit(cache=True)
def _machine_cached_query(tab, par, sym, child, k, shift, label, size, codes, lens, delta, start,
                          slab, elab, mealy, none, out):  # pragma: no cover - compiled
    """Cached output queries answered by simulating a Moore (state codes ``slab``) or
    Mealy (transition codes ``elab``; the empty word is labelled ``none``) machine, fused
    into one call with the semantics and return values of :func:`_dfa_cached_query`."""
    B = codes.shape[0]
    nmiss = 0
    maxlen = 0
    misslen = 0
    _trie_lookup(tab, par, sym, child, k, shift, label, codes, lens, out)
    for b in range(B):
        if out[b] < 0:
            nmiss += 1
            misslen += lens[b]
            if lens[b] > maxlen:
                maxlen = lens[b]
    if nmiss == 0:
        return size, 0, 0, -1, -1
    if size + misslen + 1 > par.shape[0] or (child.shape[0] == 0 and
                                            10 * (size + misslen + 1) > 7 * tab.shape[0]):
        return size, 0, misslen, -2, -2
    cnt = np.zeros(maxlen + 2, dtype=np.int64)
    for b in range(B):
        if out[b] < 0:
            cnt[maxlen - lens[b] + 1] += 1
    for i in range(maxlen + 1):
        cnt[i + 1] += cnt[i]
    order = np.empty(nmiss, dtype=np.int64)
    for b in range(B):
        if out[b] < 0:
            j = maxlen - lens[b]
            order[cnt[j]] = b
            cnt[j] += 1
    # one walk per missed word, longest first: create the missing nodes, simulate and
    # label every node on the way. A word is sent when its walk created a node or found
    # its own node unanswered; a word covered by a longer one of the batch is a hit.
    nsent = 0
    nsym = 0
    for i in range(nmiss):
        b = order[i]
        q = start
        node = 0
        v = none if mealy else slab[q]
        was = label[node]
        if was >= 0 and was != v:
            return size, nsent, nsym, b, 0
        label[node] = v
        created = False
        for t in range(lens[b]):
            s = codes[b, t]
            c = _hget(tab, par, sym, child, k, shift, node, s)
            if c < 0:
                c = size
                size += 1
                _hput(tab, par, sym, child, k, shift, node, s, c)
                label[c] = -1
                created = True
            if mealy:
                v = elab[q, s]
                q = delta[q, s]
            else:
                q = delta[q, s]
                v = slab[q]
            node = c
            was = label[node]
            if was >= 0 and was != v:
                return size, nsent, nsym, b, t + 1
            label[node] = v
        out[b] = v
        if created or was < 0:
            nsent += 1
            nsym += lens[b]
    return size, nsent, nsym, -1, -1
