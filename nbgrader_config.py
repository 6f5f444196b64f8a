"""nbgrader settings for this course; every setting lives in qicourse.nbgrader_ext.configure.

Run nbgrader commands from this folder (the course root). The gradebook defaults to
SQLite (gradebook.db here); set QICOURSE_DB_URL (e.g. postgresql://…) to use another.
"""
import os

from qicourse.nbgrader_ext import configure

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
configure(c, os.path.dirname(os.path.abspath(__file__)))
