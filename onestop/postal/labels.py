"""The dossier timeline's labels for the postal events (audit actions "dossier.postal_*")."""

from django.utils.translation import gettext_lazy as _

TIMELINE_LABELS = {
    "dossier.postal_chosen": _("Result to be delivered by post"),
    "dossier.postal_handed_over": _("Result handed to the postal service"),
    "dossier.postal_refused": _("The postal service refused the shipment"),
    "dossier.postal_accepted": _("Postal service accepted the shipment"),
    "dossier.postal_in_transit": _("Shipment in transit"),
    "dossier.postal_delivered": _("Result delivered by post"),
    "dossier.postal_failed": _("Postal delivery failed"),
    "dossier.postal_returned": _("Shipment returned to the centre"),
}
