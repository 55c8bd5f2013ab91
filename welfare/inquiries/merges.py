"""A merged person's inquiries follow them to the kept record."""

from welfare.inquiries.models import Inquiry
from welfare.roster.merge_signals import follow_merges

follow_merges(Inquiry.person_id)
