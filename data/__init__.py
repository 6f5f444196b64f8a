# Makes data/ installable as qicourse.coursedata, so a student's release folder finds
# the course's data with no repository present (see qicourse/data.py).
