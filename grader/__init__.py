"""backprop-lab's grader: editions, submissions, the sandbox, grading and the class."""

__version__ = "0.1.0"
