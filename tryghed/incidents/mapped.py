"""A file to import, mapped into memory instead of read into it.

A district's five-year extract is some two gigabytes. Mapped, its pages are read as the
import comes to them, and they belong to the operating system's page cache, which can
drop them again, rather than to the import's own memory; the import lets go of each block
of pages once it has read it, so that it holds a few blocks of the file at a time.
"""

import mmap

__all__ = ["MappedFile", "file_bytes"]

_BLOCK = 1 << 20
# Where the system can be told that pages are not needed for now (not on Windows).
_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


class MappedFile(mmap.mmap):
    """A file mapped read-only, with the methods of bytes that reading.py uses and mmap
    lacks or has otherwise."""

    # The pages before this offset were let go of, in the pass through the file that reads
    # on from it.
    _behind = 0

    def __getitem__(self, index):
        value = super().__getitem__(index)
        if _DONTNEED is not None and isinstance(index, slice):
            # The file is read from start to end, a few times over: the blocks before the one
            # read now are not needed again in this pass. A later pass reads their pages from
            # the page cache again, if they are still there, as any read of the file would.
            done = index.indices(len(self))[0] // _BLOCK * _BLOCK
            if done < self._behind:  # a new pass
                self._behind = done
            elif done > self._behind:
                self.madvise(_DONTNEED, self._behind, done - self._behind)
                self._behind = done
        return value

    def __contains__(self, part):
        # mmap's own `in` looks for an int, as its items are. In blocks, as the file is
        # read (see __getitem__), each overlapping the next by the part's length less one.
        last = max(len(self) - len(part) + 1, 1)
        return any(part in self[at : at + _BLOCK + len(part) - 1] for at in range(0, last, _BLOCK))

    def count(self, part, start=0, end=None):
        """As bytes.count, for a part that is not empty."""
        if len(part) != 1:
            return self[start:end].count(part)
        # A block at a time, for a line end in a file of gigabytes: a byte cannot straddle
        # two blocks.
        start, end, _ = slice(start, end).indices(len(self))
        return sum(self[at : min(at + _BLOCK, end)].count(part) for at in range(start, end, _BLOCK))

    def startswith(self, prefix):
        return self[: len(prefix)] == prefix

    def endswith(self, suffix):
        return len(suffix) <= len(self) and self[len(self) - len(suffix) :] == suffix


def file_bytes(path):
    """The bytes of the file at `path`: mapped, or read when the file cannot be mapped (it
    is empty, or a pipe). The mapping lasts as long as the object. A file must not be cut
    short while it is mapped (a new version is best saved beside it and renamed over it):
    reading a page that is no longer there stops the process."""
    with open(path, "rb") as file:
        try:
            return MappedFile(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):
            return file.read()
