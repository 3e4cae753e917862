"""The error every build stage raises when the warehouse may not change, on every target."""


class BuildError(RuntimeError):
    """The build did not pass its gates; the published warehouse is unchanged."""
