# Report jobs, schedules and snapshots arrive with the Berichtswesen issue (#6).
