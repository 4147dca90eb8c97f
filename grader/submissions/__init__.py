"""Reading what students hand in: finding, unpacking and assembling submissions."""


class UnusableSubmission(ValueError):
    """The path does not hold a submission that can be graded."""
