"""Labels of the answer scale, shared by the questionnaire and the bank preview."""

SCALE_ANCHORS = [
    ("1", "not at all"),
    ("2", "a little"),
    ("3", "partly"),
    ("4", "mostly"),
    ("5", "fully, routinely"),
]
