"""Display names for emergency-aid codes (lazy: they follow the page's language)."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"applied": _l("Applied"), "assessed": _l("Assessed"),
                 "approved": _l("Approved"), "refused": _l("Not approved"), "paid": _l("Paid")}
METHOD_LABELS = {"counter": _l("At the counter, by the applicant"),
                 "proxy": _l("At the counter, by a proxy"), "bank": _l("Bank transfer")}
REFERRER_LABELS = {"village_chief": _l("Village chief (里長)"),
                   "social_worker": _l("Social worker"), "self": _l("Applied in person"),
                   "other": _l("Other")}
DOCUMENT_LABELS = {
    "id_card": _l("ID card"), "household_register": _l("Household register (戶口名簿)"),
    "bankbook": _l("Bankbook"), "death_certificate": _l("Death certificate"),
    "medical_certificate": _l("Medical certificate"),
    "disaster_proof": _l("Disaster certificate"), "income_proof": _l("Proof of income"),
}
BANK_LABELS = {"post_office": _l("Post office"), "farmers_association": _l("Farmers' association")}
