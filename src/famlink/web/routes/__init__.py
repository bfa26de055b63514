"""One router per screen group; each declares its permission in the route signature."""
