"""Files made for people: the planners' exports of a campaign."""
