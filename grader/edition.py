"""Which edition of the course this copy is; `grade release` rewrites this line in each edition.

"course": the instructor's repository (everything); "student": stubs, public tests and the
training and validation data; "autograder": everything that grades, for `grade batch` and
Gradescope.
"""

EDITION = "course"
