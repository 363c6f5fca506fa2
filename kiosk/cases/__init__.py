"""Cases (信访事项): the decision at the window, handling, time limits."""
