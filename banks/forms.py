"""Labels of the answer scale, shared by the questionnaire and the bank preview."""

from django.utils.translation import gettext_lazy as _

SCALE_ANCHORS = [
    ("1", _("not at all")),
    ("2", _("a little")),
    ("3", _("partly")),
    ("4", _("mostly")),
    ("5", _("fully, routinely")),
]
