"""A merged person's emergency-aid cases follow them to the kept record."""

from welfare.aid.models import AidCase
from welfare.roster.merge_signals import follow_merges

follow_merges(AidCase.person_id)
