"""The planners' dashboard (`reportbox serve`): campaigns, who has submitted, the reports side by
side, the review queue and the system's health, in Vietnamese; plus a read-only JSON API."""
