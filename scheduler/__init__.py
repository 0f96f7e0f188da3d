"""The due-feed loop, schedules, the re-send sweep, lost-run detection and the error digest."""
