"""The external ids an import has seen, each with the line it was first on, in some 18 bytes
an id.

An import rejects an id that comes again and names the line it was first on, so it must
remember every id of the file. A dict of the ids costs some 150 bytes a row, gigabytes for a
district's five-year extract. Here an id is kept as its 64-bit hash (Python's own, which a
dict of the ids would compute too), a 32-bit check computed independently of it (CRC-32 of
its UTF-8 bytes) and its line. Two different ids count as one only when both agree, for a pair
of ids a chance of about 2^-96: none in any file an import will see.

The keys are kept in runs sorted by hash, each larger than the next, as in a log-structured
merge tree: a chunk's new keys are a new run, merged into the one before while that one is
not larger. A key is thus merged O(log n) times, and a chunk looked up in O(log n) runs by
binary search; most keys of a file are new, and a bitmap over the low bits of the hashes
tells of most of them that they need not be looked up at all.
"""

import zlib

import numpy as np

__all__ = ["FirstLines", "checks_of", "hashes_of"]

_PART = 1 << 18  # hashes marked at a time


def hashes_of(ids):
    return np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))


def checks_of(ids):
    # Encoded as reading.py hashes the døgnrapport's ids: a lone surrogate must not fail here.
    return np.fromiter(
        (zlib.crc32(text.encode("utf-8", "surrogatepass")) for text in ids),
        dtype=np.uint32,
        count=len(ids),
    )


class FirstLines:
    """The first line of every key seen so far. Lines count from 1, and the chunks come in
    the order of their lines."""

    def __init__(self):
        # [hashes, checks, lines] sorted by hash, each larger than the next.
        self._runs = []
        # A bit for the low bits of each hash kept: a key whose bit is clear is new, and need
        # not be looked for in the runs. 8 to 16 bits a key, so that a new key is looked for
        # all the same only once in 8 to 16 times.
        self._bits = np.zeros(1 << 13, dtype=np.uint8)
        self._size = 0

    def __len__(self):
        return self._size

    @property
    def nbytes(self):
        return self._bits.nbytes + sum(column.nbytes for run in self._runs for column in run)

    def first_lines_of(self, ids, lines):
        """`see` for text ids."""
        return self.see(hashes_of(ids), checks_of(ids), lines)

    def see(self, hashes, checks, lines):
        """The line each key (a hash and a check) was first seen on: that of an earlier
        chunk, else the first of this chunk that holds it (its own line when the key is new),
        as a list. The keys not seen before are remembered."""
        hashes = np.asarray(hashes, dtype=np.int64)
        checks = np.asarray(checks, dtype=np.uint32)
        lines = np.asarray(lines, dtype=np.uint64)
        if not len(hashes):
            return []
        # Equal keys side by side.
        order = np.argsort(hashes)
        if _shared_hash(hashes[order], checks[order]):
            order = np.lexsort((checks, hashes))
        hashes, checks, lines = hashes[order], checks[order], lines[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = (hashes[1:] != hashes[:-1]) | (checks[1:] != checks[:-1])
        key = np.cumsum(starts) - 1  # of each sorted row, the number of its key
        lines = np.minimum.reduceat(lines, np.flatnonzero(starts))
        hashes, checks = hashes[starts], checks[starts]
        earlier = self._find(hashes, checks)
        new = earlier == 0
        self._add([hashes[new], checks[new], _compact(lines[new])])
        first = np.where(new, lines, earlier)
        found = np.empty(len(order), dtype=np.uint64)
        found[order] = first[key]
        return found.tolist()

    def _find(self, hashes, checks):
        """The line of each key (hashes sorted), 0 for a key not seen before."""
        found = np.zeros(len(hashes), dtype=np.uint64)
        maybe = np.flatnonzero(self._marked(hashes))
        hashes, checks = hashes[maybe], checks[maybe]
        for run_hashes, run_checks, run_lines in self._runs:
            at = np.searchsorted(run_hashes, hashes)
            inside = np.minimum(at, len(run_hashes) - 1)
            same_hash = (at < len(run_hashes)) & (run_hashes[inside] == hashes)
            hit = same_hash & (run_checks[inside] == checks)
            found[maybe[hit]] = run_lines[inside[hit]]
            # Another key of the run may come first with the same hash: a few times in a
            # file of billions of ids, so looked at one by one.
            for i in np.flatnonzero(same_hash & ~hit):
                j = at[i] + 1
                while j < len(run_hashes) and run_hashes[j] == hashes[i]:
                    if run_checks[j] == checks[i]:
                        found[maybe[i]] = run_lines[j]
                        break
                    j += 1
        return found

    def _marked(self, hashes):
        bit = hashes.view(np.uint64) & np.uint64(self._bits.size * 8 - 1)
        return ((self._bits[bit >> 3] >> (bit & 7)) & 1).astype(bool)

    def _mark(self, hashes):
        # A part at a time: its bits take three times the memory of its hashes.
        for start in range(0, len(hashes), _PART):
            bit = hashes[start : start + _PART].view(np.uint64)
            bit = bit & np.uint64(self._bits.size * 8 - 1)
            np.bitwise_or.at(self._bits, bit >> 3, np.left_shift(1, bit & 7, dtype=np.uint8))

    def _add(self, run):
        """Add the run of new keys (sorted by hash), merging while the one before is not
        larger."""
        if not len(run[0]):
            return
        self._size += len(run[0])
        if self._size > self._bits.size:  # fewer than 8 bits a key
            size = self._bits.size
            while size < self._size:
                size *= 2
            self._bits = np.zeros(size, dtype=np.uint8)
            for kept in self._runs:
                self._mark(kept[0])
        self._mark(run[0])
        runs = self._runs
        runs.append(run)
        while len(runs) > 1 and len(runs[-2][0]) <= len(runs[-1][0]):
            newer = runs.pop()
            runs[-1] = _merged(runs[-1], newer)


def _shared_hash(hashes, checks):
    """Whether two keys (sorted by hash) have the same hash."""
    return bool(((hashes[1:] == hashes[:-1]) & (checks[1:] != checks[:-1])).any())


def _compact(lines):
    """Lines in 4 bytes while they fit (a file of four billion lines does not)."""
    return lines.astype(np.uint32) if lines.max(initial=0) <= 0xFFFF_FFFF else lines


def _merged(older, newer):
    """Two runs as one, sorted by hash. Each column of the older run is let go as soon as
    it is merged, so that merging the largest runs needs little besides them."""
    at = np.searchsorted(older[0], newer[0])
    at += np.arange(len(at), dtype=at.dtype)  # where each new key goes in the merged run
    size = len(older[0]) + len(at)
    old_at = np.ones(size, dtype=bool)
    old_at[at] = False
    merged = []
    for number, new in enumerate(newer):
        old, older[number] = older[number], None
        column = np.empty(size, dtype=np.promote_types(old.dtype, new.dtype))
        column[at] = new
        column[old_at] = old
        del old
        merged.append(column)
    return merged
