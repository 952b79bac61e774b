"""The event-wide screens: the organizer's overview and, later, the synthesis board."""
