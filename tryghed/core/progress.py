"""The progress bar of long management commands (imports), on the command's stderr."""


class ProgressBar:
    """A one-line bar, redrawn only when the shown percentage or stage changes, so that a
    million rows do not mean a million writes to the terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.shown = None

    def __call__(self, done, total, stage=""):
        percent = min(100, done * 100 // total) if total else 100
        if (stage, percent) == self.shown:
            return
        self.shown = (stage, percent)
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        label = f"{stage:<10} " if stage else ""
        self.stream.write(f"\r{label}[{bar}] {percent:3d}% ({done}/{total})", ending="")
        self.stream.flush()

    def finish(self):
        """End the bar's line, so that what follows starts on a line of its own."""
        if self.shown is not None:
            self.stream.write("")
